// The setting data of a virtual system, as Hyper-V v1 presents it: Msvm_VirtualSystemSettingData,
// Msvm_VirtualSystemGlobalSettingData, Msvm_MemorySettingData, Msvm_ProcessorSettingData and
// Msvm_ResourceAllocationSettingData (controllers, drives, their media, network adapters).
// Every InstanceID is derived from the system's Guid and the device's position, so an instance is
// found from its key alone by reading that one system. Thread-safe (stateless over the service).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/provider.h"
#include "core/guid.h"
#include "core/snapshot.h"
#include "core/system_definition.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

enum class SettingDataClass {
  kVirtualSystem,       // Msvm_VirtualSystemSettingData
  kGlobal,              // Msvm_VirtualSystemGlobalSettingData
  kMemory,              // Msvm_MemorySettingData
  kProcessor,           // Msvm_ProcessorSettingData
  kResourceAllocation,  // Msvm_ResourceAllocationSettingData
};

std::string_view SettingDataClassName(SettingDataClass setting_class);

// Hyper-V v1 ResourceType numbers.
enum class ResourceType : uint16_t {
  kProcessor = 3,
  kMemory = 4,
  kIdeController = 5,
  kScsiController = 6,
  kEthernetAdapter = 10,
  kDvdDrive = 16,
  kStorageExtent = 21,  // a VHD or an ISO image
  kDiskDrive = 22,
};

inline constexpr std::string_view kVirtualHardDiskSubType = "Microsoft Virtual Hard Disk";
inline constexpr std::string_view kIsoImageSubType = "Microsoft ISO Image";

// What an InstanceID names. Its text:
//   Microsoft:<GUID>                                             the VSSD
//   Microsoft:<GUID>\Global                                      the global setting data
//   Microsoft:<GUID>\4764334d-e001-4176-82ee-5594ec9b530e        memory
//   Microsoft:<GUID>\b637f346-6a0e-4dec-af52-bd70cb80a21d        processor
//   Microsoft:<GUID>\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\<n>    IDE controller n
//   Microsoft:<GUID>\D422512D-2BF2-4752-809D-7B82B5FCB1B4\<n>    SCSI controller n
//   <controller>\<slot>\D                                        the drive in that slot
//   <controller>\<slot>\L                                        the drive's media (VHD or ISO)
//   Microsoft:<GUID>\SyntheticEthernetPort\<n>                   network adapter n
struct SettingDataId {
  enum class Kind {
    kVirtualSystem,
    kGlobal,
    kMemory,
    kProcessor,
    kController,
    kDrive,
    kMedia,
    kNetworkAdapter,
  };
  Kind kind = Kind::kVirtualSystem;
  Guid system{};
  ControllerKind controller = ControllerKind::kIde;  // controllers, drives, media
  uint32_t controller_index = 0;                     // controllers, drives, media
  uint32_t slot = 0;                                 // drives, media
  uint32_t adapter_index = 0;                        // network adapters

  bool operator==(const SettingDataId&) const = default;
};

std::string FormatSettingDataId(const SettingDataId& id);
// nullopt if `text` is not one of the forms above (GUIDs in either case).
std::optional<SettingDataId> ParseSettingDataId(std::string_view text);
SettingDataClass SettingDataClassOf(SettingDataId::Kind kind);

// The path of the setting data `id` names (class from its kind, key InstanceID).
ObjectPath SettingDataPath(const SettingDataId& id);
ObjectPath VirtualSystemSettingDataPath(const Guid& system);

// Every setting data instance of `system`, each with its path: the VSSD first, then the global
// setting data, memory, processor, controllers, drives each followed by its media, adapters.
std::vector<Instance> MakeSettingData(const SystemDefinition& system);

// A snapshot as Hyper-V presents it: a Msvm_VirtualSystemSettingData with SettingType 5,
// InstanceID "Microsoft:<snapshot GUID>", SystemName the system's GUID, ElementName the
// snapshot's name, and Parent the object path (as text) of the parent snapshot's VSSD, or NULL.
Instance MakeSnapshotSettingData(const SnapshotRecord& snapshot);

// The snapshot a VSSD reference names ("Microsoft:<GUID>"), or nullopt if it names no VSSD.
std::optional<Guid> SnapshotGuidFromPath(const ObjectPath& path);

class MsvmSettingDataProvider final : public Provider {
 public:
  MsvmSettingDataProvider(service::VirtualSystemManagementService& service,
                          SettingDataClass setting_class);

  std::string_view class_name() const override;
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  // Msvm_VirtualSystemSettingData also gives every snapshot of each system.
  // Parses the InstanceID and reads only the system (or snapshot) it names.
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;

 private:
  service::VirtualSystemManagementService& service_;
  const SettingDataClass setting_class_;
};

}  // namespace vsm::cim
