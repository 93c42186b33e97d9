// The DefineVirtualSystem half of the Msvm_VirtualSystemManagementService provider: its embedded
// instances (Hyper-V's VSSD and RASD texts) read into a SystemDefinition for the service.
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cim/provider.h"
#include "core/result.h"
#include "core/system_definition.h"

namespace vsm::cim {

// `system_settings`: an embedded Msvm_VirtualSystemSettingData (ElementName, Notes, BIOSGUID;
// absent = Hyper-V's defaults, "New Virtual Machine"). `resource_settings`: embedded
// Msvm_MemorySettingData (VirtualQuantity MB), Msvm_ProcessorSettingData (VirtualQuantity) and
// RASDs: 5/6 controllers, 22 disk and 16 DVD drives (Parent = controller, Address = slot),
// 21 storage extents (Connection[0] = file; Parent = drive) and 10 Ethernet ports
// (Connection[0] = switch, Address = MAC, StaticMacAddress). A storage extent alone is enough:
// drives without a position go to IDE 0/0, 0/1, 1/0, then SCSI 0 (DVDs to IDE 1/0, 1/1, 0/0,
// 0/1). kInvalidParameter naming the instance and the property at fault.
Result<SystemDefinition> ReadSystemDefinition(const EmbeddedInstanceCodec& codec,
                                              const std::optional<std::string>& system_settings,
                                              const std::vector<std::string>& resource_settings);

}  // namespace vsm::cim
