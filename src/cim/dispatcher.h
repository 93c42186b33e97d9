// Dispatcher: carries out a DSP0200 Operation against the class registry and the providers:
// namespace and class checks, GetClass, instance enumeration across subclasses, property lists,
// WQL queries, associations computed from the association providers, and method invocation
// with parameters typed from the method's declaration. Never throws; every fault is a CimError.
// Thread-safe once all providers are registered.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cim/class_registry.h"
#include "cim/operation.h"
#include "cim/provider.h"
#include "core/principal.h"

namespace vsm::cim {

inline constexpr char kNamespace[] = "root/virtualization";

class Dispatcher {
 public:
  explicit Dispatcher(const ClassRegistry& registry) : registry_(registry) {}

  // REQUIRES: the provider's class is in the registry; called before the first Execute.
  void Register(std::unique_ptr<Provider> provider);

  OperationResult Execute(const Operation& operation, const Principal& principal);

 private:
  Provider* ProviderFor(std::string_view class_name) const;
  // Every instance of `class_name` and its subclasses, from their providers.
  CimResult<std::vector<Instance>> EnumerateDeep(const RequestContext& context, std::string_view class_name);
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path);
  OperationResult Associate(const Operation& operation, const RequestContext& context);
  OperationResult InvokeMethod(const Operation& operation, const RequestContext& context);

  const ClassRegistry& registry_;
  std::vector<std::unique_ptr<Provider>> providers_;
};

}  // namespace vsm::cim
