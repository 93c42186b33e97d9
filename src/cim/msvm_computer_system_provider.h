// Msvm_ComputerSystem: the hosting computer system (Name = host name) and one instance per
// virtual system the service knows (Name = its Guid). RequestStateChange goes to the service.
// Thread-safe (stateless over the service).
#pragma once

#include <optional>
#include <string>

#include "cim/provider.h"
#include "core/guid.h"
#include "core/system_definition.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

inline constexpr std::string_view kComputerSystemClass = "Msvm_ComputerSystem";

// root/virtualization:Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="<GUID>"
ObjectPath ComputerSystemPath(const Guid& system);
// The same for the host: Name = `host_name`.
ObjectPath HostComputerSystemPath(const std::string& host_name);
// The Guid a Msvm_ComputerSystem path names (its Name key), if it is one.
std::optional<Guid> SystemGuidFromPath(const ObjectPath& path);

Instance MakeVirtualComputerSystem(const SystemDefinition& system);
Instance MakeHostComputerSystem(const std::string& host_name);

class MsvmComputerSystemProvider final : public Provider {
 public:
  MsvmComputerSystemProvider(service::VirtualSystemManagementService& service,
                             std::string host_name);

  std::string_view class_name() const override { return kComputerSystemClass; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  // The host by name, a virtual system by its Guid (one lookup, no scan).
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  // RequestStateChange: the service's answer (32770: vsm has no hypervisor backend).
  CimResult<MethodResult> InvokeMethod(const RequestContext& context, const ObjectPath& target,
                                       const MethodDecl& method,
                                       const std::vector<NamedValue>& parameters) override;

 private:
  service::VirtualSystemManagementService& service_;
  const std::string host_name_;
};

}  // namespace vsm::cim
