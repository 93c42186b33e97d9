#include "cim/provider.h"

#include <fmt/format.h>

namespace vsm::cim {

CimResult<Instance> Provider::GetInstance(const RequestContext& context, const ObjectPath& path) {
  CimResult<std::vector<Instance>> instances = EnumerateInstances(context);
  if (IsError(instances)) return std::get<CimError>(std::move(instances));
  for (auto& instance : std::get<std::vector<Instance>>(instances)) {
    if (instance.path() == path) return std::move(instance);
  }
  return CimError{CimStatus::kNotFound, fmt::format("No such instance: {}", path.ToString())};
}

CimResult<std::vector<Instance>> Provider::InstancesReferencing(const RequestContext& context,
                                                                const ObjectPath& source) {
  return EnumerateInstances(context);
}

CimResult<MethodResult> Provider::InvokeMethod(const RequestContext& context,
                                               const ObjectPath& target, const MethodDecl& method,
                                               const std::vector<NamedValue>& parameters) {
  return CimError{CimStatus::kMethodNotAvailable,
                  fmt::format("Method '{}' is not available on class '{}'", method.name,
                              class_name())};
}

}  // namespace vsm::cim
