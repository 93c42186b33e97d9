#include "cim/msvm_setting_data_provider.h"

#include <fmt/format.h>

#include <charconv>

#include "cim/msvm_base_provider.h"
#include "service/virtual_system_management_service.h"

namespace vsm::cim {
namespace {

constexpr std::string_view kIdPrefix = "Microsoft:";
constexpr std::string_view kGlobalTag = "Global";
// The device GUIDs Hyper-V v1 gives memory, processor and the controllers.
constexpr std::string_view kMemoryTag = "4764334d-e001-4176-82ee-5594ec9b530e";
constexpr std::string_view kProcessorTag = "b637f346-6a0e-4dec-af52-bd70cb80a21d";
constexpr std::string_view kIdeControllerTag = "83F8638B-8DCA-4152-9EDA-2CA8B33039B4";
constexpr std::string_view kScsiControllerTag = "D422512D-2BF2-4752-809D-7B82B5FCB1B4";
constexpr std::string_view kEthernetPortTag = "SyntheticEthernetPort";
constexpr std::string_view kDriveTag = "D";
constexpr std::string_view kMediaTag = "L";

constexpr uint32_t kIdeControllerCount = 2;
constexpr uint16_t kSettingTypeCurrent = 3;
constexpr uint16_t kSettingTypeSnapshot = 5;

std::vector<std::string_view> SplitAtBackslash(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\\', start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::optional<uint32_t> ParseIndex(std::string_view text) {
  uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string ControllerTag(ControllerKind kind) {
  return std::string(kind == ControllerKind::kIde ? kIdeControllerTag : kScsiControllerTag);
}

std::optional<ControllerKind> ControllerFromTag(std::string_view tag) {
  if (EqualsIgnoreCase(tag, kIdeControllerTag)) return ControllerKind::kIde;
  if (EqualsIgnoreCase(tag, kScsiControllerTag)) return ControllerKind::kScsi;
  return std::nullopt;
}

Instance NewSettingData(const SettingDataId& id) {
  Instance instance{std::string(SettingDataClassName(SettingDataClassOf(id.kind)))};
  instance.Set("InstanceID", Value::String(FormatSettingDataId(id)));
  instance.set_path(SettingDataPath(id));
  return instance;
}

Instance MakeVirtualSystemSettingData(const SystemDefinition& system) {
  Instance instance = NewSettingData({.kind = SettingDataId::Kind::kVirtualSystem, .system = system.id});
  instance.Set("SystemName", Value::String(system.id.ToString()));
  instance.Set("ElementName", Value::String(system.name));
  instance.Set("Caption", Value::String("Virtual Machine Settings"));
  instance.Set("SettingType", Value::Uint16(kSettingTypeCurrent));
  instance.Set("VirtualSystemType", Value::String("301"));
  instance.Set("Notes", Value::String(system.notes));
  instance.Set("BIOSGUID", Value::String("{" + system.bios_guid.ToString() + "}"));
  instance.Set("CreationTime", msvm::TimestampValue(system.creation_time));
  // As in Hyper-V, the current settings' Parent is the snapshot they derive from: where "Now"
  // stands in the tree.
  instance.Set("Parent", system.parent_snapshot.IsNull()
                             ? Value::Null(CimType::kString)
                             : Value::String(VirtualSystemSettingDataPath(system.parent_snapshot).ToString()));
  return instance;
}

}  // namespace

Instance MakeSnapshotSettingData(const SnapshotRecord& snapshot) {
  Instance instance = MakeVirtualSystemSettingData(snapshot.configuration);
  SettingDataId id{.kind = SettingDataId::Kind::kVirtualSystem, .system = snapshot.id};
  instance.Set("InstanceID", Value::String(FormatSettingDataId(id)));
  instance.set_path(SettingDataPath(id));
  instance.Set("SystemName", Value::String(snapshot.system.ToString()));
  instance.Set("ElementName", Value::String(snapshot.name));
  instance.Set("Caption", Value::String("Virtual Machine Snapshot Settings"));
  instance.Set("SettingType", Value::Uint16(kSettingTypeSnapshot));
  instance.Set("CreationTime", msvm::TimestampValue(snapshot.creation_time));
  instance.Set("Parent", snapshot.parent.IsNull()
                             ? Value::Null(CimType::kString)
                             : Value::String(VirtualSystemSettingDataPath(snapshot.parent).ToString()));
  return instance;
}

std::optional<Guid> SnapshotGuidFromPath(const ObjectPath& path) {
  if (!EqualsIgnoreCase(path.class_name(), SettingDataClassName(SettingDataClass::kVirtualSystem))) {
    return std::nullopt;
  }
  std::optional<std::string> instance_id = msvm::ValueAsString(path.FindKey("InstanceID"));
  if (!instance_id) return std::nullopt;
  std::optional<SettingDataId> id = ParseSettingDataId(*instance_id);
  if (!id || id->kind != SettingDataId::Kind::kVirtualSystem) return std::nullopt;
  return id->system;
}

namespace {

Instance MakeGlobalSettingData(const SystemDefinition& system) {
  Instance instance = NewSettingData({.kind = SettingDataId::Kind::kGlobal, .system = system.id});
  instance.Set("SystemName", Value::String(system.id.ToString()));
  instance.Set("ElementName", Value::String(system.name));
  instance.Set("ExternalDataRoot", Value::String(system.package_directory));
  instance.Set("Version", Value::String("1.0"));
  return instance;
}

Instance MakeMemorySettingData(const SystemDefinition& system) {
  Instance instance = NewSettingData({.kind = SettingDataId::Kind::kMemory, .system = system.id});
  instance.Set("ElementName", Value::String("Memory"));
  instance.Set("ResourceType", Value::Uint16(static_cast<uint16_t>(ResourceType::kMemory)));
  instance.Set("ResourceSubType", Value::String("Microsoft Virtual Machine Memory"));
  instance.Set("AllocationUnits", Value::String("MB"));
  instance.Set("VirtualQuantity", Value::Uint64(system.memory_mb));
  instance.Set("Reservation", Value::Uint64(system.memory_mb));
  instance.Set("Limit", Value::Uint64(system.memory_mb));
  return instance;
}

Instance MakeProcessorSettingData(const SystemDefinition& system) {
  Instance instance = NewSettingData({.kind = SettingDataId::Kind::kProcessor, .system = system.id});
  instance.Set("ElementName", Value::String("Processor"));
  instance.Set("ResourceType", Value::Uint16(static_cast<uint16_t>(ResourceType::kProcessor)));
  instance.Set("ResourceSubType", Value::String("Microsoft Processor"));
  instance.Set("AllocationUnits", Value::String("Processor Cores"));
  instance.Set("VirtualQuantity", Value::Uint64(system.processor_count));
  // Hyper-V's defaults: no reservation, the whole of each core (100000 = 100%), normal weight.
  instance.Set("Reservation", Value::Uint64(0));
  instance.Set("Limit", Value::Uint64(100000));
  instance.Set("Weight", Value::Uint32(100));
  return instance;
}

Instance MakeResourceAllocationSettingData(const SettingDataId& id, std::string element_name,
                                           ResourceType type, std::string_view sub_type) {
  Instance instance = NewSettingData(id);
  instance.Set("ElementName", Value::String(std::move(element_name)));
  instance.Set("ResourceType", Value::Uint16(static_cast<uint16_t>(type)));
  instance.Set("ResourceSubType", Value::String(std::string(sub_type)));
  return instance;
}

Instance MakeController(const Guid& system, ControllerKind kind, uint32_t index) {
  SettingDataId id{.kind = SettingDataId::Kind::kController,
                   .system = system,
                   .controller = kind,
                   .controller_index = index};
  if (kind == ControllerKind::kIde) {
    Instance instance = MakeResourceAllocationSettingData(
        id, fmt::format("IDE Controller {}", index), ResourceType::kIdeController,
        "Microsoft Emulated IDE Controller");
    instance.Set("Address", Value::String(std::to_string(index)));
    return instance;
  }
  Instance instance = MakeResourceAllocationSettingData(
      id, index == 0 ? "SCSI Controller" : fmt::format("SCSI Controller {}", index),
      ResourceType::kScsiController, "Microsoft Synthetic SCSI Controller");
  instance.Set("Address", Value::String(std::to_string(index)));
  return instance;
}

// The drive in its slot and, unless it is an empty DVD drive, its media.
void AppendDrive(const Guid& system, const Drive& drive, std::vector<Instance>& out) {
  SettingDataId controller_id{.kind = SettingDataId::Kind::kController,
                              .system = system,
                              .controller = drive.controller,
                              .controller_index = drive.controller_index};
  SettingDataId drive_id = controller_id;
  drive_id.kind = SettingDataId::Kind::kDrive;
  drive_id.slot = drive.slot;
  bool is_disk = drive.kind == DriveKind::kHardDisk;
  Instance drive_instance = MakeResourceAllocationSettingData(
      drive_id, is_disk ? "Hard Drive" : "DVD Drive",
      is_disk ? ResourceType::kDiskDrive : ResourceType::kDvdDrive,
      is_disk ? "Microsoft Synthetic Disk Drive" : "Microsoft Synthetic DVD Drive");
  drive_instance.Set("Parent", Value::String(SettingDataPath(controller_id).ToString()));
  drive_instance.Set("Address", Value::String(std::to_string(drive.slot)));
  out.push_back(std::move(drive_instance));
  if (drive.path.empty()) return;

  SettingDataId media_id = drive_id;
  media_id.kind = SettingDataId::Kind::kMedia;
  Instance media = MakeResourceAllocationSettingData(
      media_id, is_disk ? "Hard Disk Image" : "ISO Disk Image", ResourceType::kStorageExtent,
      is_disk ? kVirtualHardDiskSubType : kIsoImageSubType);
  media.Set("Parent", Value::String(SettingDataPath(drive_id).ToString()));
  media.Set("Connection", Value::StringArray({drive.path}));
  out.push_back(std::move(media));
}

Instance MakeNetworkAdapter(const Guid& system, uint32_t index, const NetworkAdapter& adapter) {
  SettingDataId id{.kind = SettingDataId::Kind::kNetworkAdapter, .system = system,
                   .adapter_index = index};
  Instance instance = MakeResourceAllocationSettingData(
      id, "Network Adapter", ResourceType::kEthernetAdapter, "Microsoft Synthetic Ethernet Port");
  instance.Set("Address", Value::String(adapter.mac_address));
  std::vector<std::string> connection;
  if (!adapter.switch_name.empty()) connection.push_back(adapter.switch_name);
  instance.Set("Connection", Value::StringArray(connection));
  instance.Set("StaticMacAddress", Value::Boolean(adapter.static_mac));
  return instance;
}

CimError NoSuchSettingData(std::string_view class_name, const ObjectPath& path) {
  return CimError{CimStatus::kNotFound,
                  fmt::format("No such {}: {}", class_name, path.ToString())};
}

}  // namespace

std::string_view SettingDataClassName(SettingDataClass setting_class) {
  switch (setting_class) {
    case SettingDataClass::kVirtualSystem: return "Msvm_VirtualSystemSettingData";
    case SettingDataClass::kGlobal: return "Msvm_VirtualSystemGlobalSettingData";
    case SettingDataClass::kMemory: return "Msvm_MemorySettingData";
    case SettingDataClass::kProcessor: return "Msvm_ProcessorSettingData";
    case SettingDataClass::kResourceAllocation: return "Msvm_ResourceAllocationSettingData";
  }
  return "Msvm_ResourceAllocationSettingData";
}

SettingDataClass SettingDataClassOf(SettingDataId::Kind kind) {
  switch (kind) {
    case SettingDataId::Kind::kVirtualSystem: return SettingDataClass::kVirtualSystem;
    case SettingDataId::Kind::kGlobal: return SettingDataClass::kGlobal;
    case SettingDataId::Kind::kMemory: return SettingDataClass::kMemory;
    case SettingDataId::Kind::kProcessor: return SettingDataClass::kProcessor;
    default: return SettingDataClass::kResourceAllocation;
  }
}

std::string FormatSettingDataId(const SettingDataId& id) {
  std::string system = fmt::format("{}{}", kIdPrefix, id.system.ToString());
  std::string controller = fmt::format("{}\\{}\\{}", system, ControllerTag(id.controller),
                                       id.controller_index);
  switch (id.kind) {
    case SettingDataId::Kind::kVirtualSystem: return system;
    case SettingDataId::Kind::kGlobal: return fmt::format("{}\\{}", system, kGlobalTag);
    case SettingDataId::Kind::kMemory: return fmt::format("{}\\{}", system, kMemoryTag);
    case SettingDataId::Kind::kProcessor: return fmt::format("{}\\{}", system, kProcessorTag);
    case SettingDataId::Kind::kController: return controller;
    case SettingDataId::Kind::kDrive: return fmt::format("{}\\{}\\{}", controller, id.slot, kDriveTag);
    case SettingDataId::Kind::kMedia: return fmt::format("{}\\{}\\{}", controller, id.slot, kMediaTag);
    case SettingDataId::Kind::kNetworkAdapter:
      return fmt::format("{}\\{}\\{}", system, kEthernetPortTag, id.adapter_index);
  }
  return system;
}

std::optional<SettingDataId> ParseSettingDataId(std::string_view text) {
  if (text.size() < kIdPrefix.size() || !EqualsIgnoreCase(text.substr(0, kIdPrefix.size()), kIdPrefix)) {
    return std::nullopt;
  }
  std::vector<std::string_view> parts = SplitAtBackslash(text.substr(kIdPrefix.size()));
  std::optional<Guid> system = Guid::Parse(parts[0]);
  if (!system) return std::nullopt;
  SettingDataId id{.system = *system};
  using Kind = SettingDataId::Kind;
  switch (parts.size()) {
    case 1:
      id.kind = Kind::kVirtualSystem;
      return id;
    case 2:
      if (EqualsIgnoreCase(parts[1], kGlobalTag)) id.kind = Kind::kGlobal;
      else if (EqualsIgnoreCase(parts[1], kMemoryTag)) id.kind = Kind::kMemory;
      else if (EqualsIgnoreCase(parts[1], kProcessorTag)) id.kind = Kind::kProcessor;
      else return std::nullopt;
      return id;
    case 3: {
      std::optional<uint32_t> index = ParseIndex(parts[2]);
      if (!index) return std::nullopt;
      if (EqualsIgnoreCase(parts[1], kEthernetPortTag)) {
        id.kind = Kind::kNetworkAdapter;
        id.adapter_index = *index;
        return id;
      }
      std::optional<ControllerKind> controller = ControllerFromTag(parts[1]);
      if (!controller) return std::nullopt;
      id.kind = Kind::kController;
      id.controller = *controller;
      id.controller_index = *index;
      return id;
    }
    case 5: {
      std::optional<ControllerKind> controller = ControllerFromTag(parts[1]);
      std::optional<uint32_t> index = ParseIndex(parts[2]);
      std::optional<uint32_t> slot = ParseIndex(parts[3]);
      if (!controller || !index || !slot) return std::nullopt;
      if (EqualsIgnoreCase(parts[4], kDriveTag)) id.kind = Kind::kDrive;
      else if (EqualsIgnoreCase(parts[4], kMediaTag)) id.kind = Kind::kMedia;
      else return std::nullopt;
      id.controller = *controller;
      id.controller_index = *index;
      id.slot = *slot;
      return id;
    }
    default:
      return std::nullopt;
  }
}

ObjectPath SettingDataPath(const SettingDataId& id) {
  return msvm::MakePath(SettingDataClassName(SettingDataClassOf(id.kind)),
                        {{"InstanceID", Value::String(FormatSettingDataId(id))}});
}

ObjectPath VirtualSystemSettingDataPath(const Guid& system) {
  return SettingDataPath({.kind = SettingDataId::Kind::kVirtualSystem, .system = system});
}

std::vector<Instance> MakeSettingData(const SystemDefinition& system) {
  std::vector<Instance> instances;
  instances.push_back(MakeVirtualSystemSettingData(system));
  instances.push_back(MakeGlobalSettingData(system));
  instances.push_back(MakeMemorySettingData(system));
  instances.push_back(MakeProcessorSettingData(system));
  for (uint32_t i = 0; i < kIdeControllerCount; ++i) {
    instances.push_back(MakeController(system.id, ControllerKind::kIde, i));
  }
  for (uint32_t i = 0; i < system.scsi_controller_count; ++i) {
    instances.push_back(MakeController(system.id, ControllerKind::kScsi, i));
  }
  for (const Drive& drive : system.drives) AppendDrive(system.id, drive, instances);
  for (size_t i = 0; i < system.network_adapters.size(); ++i) {
    instances.push_back(
        MakeNetworkAdapter(system.id, static_cast<uint32_t>(i), system.network_adapters[i]));
  }
  return instances;
}

MsvmSettingDataProvider::MsvmSettingDataProvider(service::VirtualSystemManagementService& service,
                                                 SettingDataClass setting_class)
    : service_(service), setting_class_(setting_class) {}

std::string_view MsvmSettingDataProvider::class_name() const {
  return SettingDataClassName(setting_class_);
}

CimResult<std::vector<Instance>> MsvmSettingDataProvider::EnumerateInstances(
    const RequestContext& context) {
  Result<std::vector<SystemDefinition>> systems = service_.ListSystems();
  if (!systems.ok()) return msvm::CimErrorFromServiceError(systems.error());
  std::vector<Instance> instances;
  for (const SystemDefinition& system : *systems) {
    for (Instance& instance : MakeSettingData(system)) {
      if (EqualsIgnoreCase(instance.class_name(), class_name())) {
        instances.push_back(std::move(instance));
      }
    }
    if (setting_class_ != SettingDataClass::kVirtualSystem) continue;
    Result<std::vector<SnapshotRecord>> snapshots = service_.ListSnapshots(system.id);
    if (!snapshots.ok()) return msvm::CimErrorFromServiceError(snapshots.error());
    for (const SnapshotRecord& snapshot : *snapshots) {
      instances.push_back(MakeSnapshotSettingData(snapshot));
    }
  }
  return instances;
}

CimResult<Instance> MsvmSettingDataProvider::GetInstance(const RequestContext& context,
                                                         const ObjectPath& path) {
  std::optional<std::string> instance_id = msvm::ValueAsString(path.FindKey("InstanceID"));
  if (!instance_id) return NoSuchSettingData(class_name(), path);
  std::optional<SettingDataId> id = ParseSettingDataId(*instance_id);
  if (!id || SettingDataClassOf(id->kind) != setting_class_) {
    return NoSuchSettingData(class_name(), path);
  }
  Result<std::optional<SystemDefinition>> system = service_.FindSystem(id->system);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system && id->kind == SettingDataId::Kind::kVirtualSystem) {
    // "Microsoft:<GUID>" names either a system's VSSD or a snapshot's.
    Result<std::optional<SnapshotRecord>> snapshot = service_.FindSnapshot(id->system);
    if (!snapshot.ok()) return msvm::CimErrorFromServiceError(snapshot.error());
    if (*snapshot) return MakeSnapshotSettingData(**snapshot);
  }
  if (!*system) return NoSuchSettingData(class_name(), path);
  // Compared in canonical form, so a GUID written in lower case still finds its instance.
  std::string canonical_id = FormatSettingDataId(*id);
  for (Instance& instance : MakeSettingData(**system)) {
    std::optional<std::string> candidate = msvm::ValueAsString(instance.Get("InstanceID"));
    if (candidate && *candidate == canonical_id) return std::move(instance);
  }
  return NoSuchSettingData(class_name(), path);
}

}  // namespace vsm::cim
