// The Msvm_* providers vsmd serves in root/virtualization, built over one service. The caller
// (vsmd) passes the host name (gethostname()) and the embedded-instance codec cimxml/ implements;
// both must outlive the providers, as must the service.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cim/provider.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

// One provider per class: Msvm_VirtualSystemManagementService, Msvm_ComputerSystem,
// Msvm_VirtualSystemSettingData, Msvm_VirtualSystemGlobalSettingData, Msvm_MemorySettingData,
// Msvm_ProcessorSettingData, Msvm_ResourceAllocationSettingData, Msvm_ConcreteJob,
// Msvm_SettingsDefineState, Msvm_VirtualSystemSettingDataComponent, Msvm_AffectedJobElement.
std::vector<std::unique_ptr<Provider>> MakeMsvmProviders(
    service::VirtualSystemManagementService& service, const EmbeddedInstanceCodec& codec,
    std::string host_name);

}  // namespace vsm::cim
