// Msvm_VirtualSystemManagementService: the one service instance (Name "vmms" on this host) and
// its methods, translated to the service API: ImportVirtualSystem, ExportVirtualSystem,
// DefineVirtualSystem, DestroyVirtualSystem, ModifyVirtualSystem. A method's outcome is always
// its uint32 return value (0, 4096 with a Job reference, or the service error's ReturnCode);
// CimErrors are only for a target that is not this service. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cim/provider.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

inline constexpr std::string_view kManagementServiceClass = "Msvm_VirtualSystemManagementService";

// root/virtualization:Msvm_VirtualSystemManagementService.SystemCreationClassName=
// "Msvm_ComputerSystem",SystemName="<host>",CreationClassName="...",Name="vmms"
ObjectPath ManagementServicePath(const std::string& host_name);

class MsvmVirtualSystemManagementServiceProvider final : public Provider {
 public:
  MsvmVirtualSystemManagementServiceProvider(service::VirtualSystemManagementService& service,
                                             const EmbeddedInstanceCodec& codec,
                                             std::string host_name);

  std::string_view class_name() const override { return kManagementServiceClass; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  // `target` is this service's path or its class path (a static call).
  CimResult<MethodResult> InvokeMethod(const RequestContext& context, const ObjectPath& target,
                                       const MethodDecl& method,
                                       const std::vector<NamedValue>& parameters) override;

 private:
  bool IsThisService(const ObjectPath& path) const;

  service::VirtualSystemManagementService& service_;
  const EmbeddedInstanceCodec& codec_;
  const std::string host_name_;
};

}  // namespace vsm::cim
