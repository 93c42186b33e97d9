#include "cim/providers.h"

#include "cim/msvm_association_provider.h"
#include "cim/msvm_computer_system_provider.h"
#include "cim/msvm_concrete_job_provider.h"
#include "cim/msvm_setting_data_provider.h"
#include "cim/msvm_virtual_system_management_service_provider.h"

namespace vsm::cim {

std::vector<std::unique_ptr<Provider>> MakeMsvmProviders(
    service::VirtualSystemManagementService& service, const EmbeddedInstanceCodec& codec,
    std::string host_name) {
  std::vector<std::unique_ptr<Provider>> providers;
  providers.push_back(
      std::make_unique<MsvmVirtualSystemManagementServiceProvider>(service, codec, host_name));
  providers.push_back(std::make_unique<MsvmComputerSystemProvider>(service, host_name));
  for (SettingDataClass setting_class :
       {SettingDataClass::kVirtualSystem, SettingDataClass::kGlobal, SettingDataClass::kMemory,
        SettingDataClass::kProcessor, SettingDataClass::kResourceAllocation}) {
    providers.push_back(std::make_unique<MsvmSettingDataProvider>(service, setting_class));
  }
  providers.push_back(std::make_unique<MsvmConcreteJobProvider>(service));
  providers.push_back(std::make_unique<MsvmSettingsDefineStateProvider>(service));
  providers.push_back(std::make_unique<MsvmVirtualSystemSettingDataComponentProvider>(service));
  providers.push_back(std::make_unique<MsvmAffectedJobElementProvider>(service));
  providers.push_back(std::make_unique<MsvmPreviousSettingDataProvider>(service));
  return providers;
}

}  // namespace vsm::cim
