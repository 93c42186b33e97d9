#include "package/exp_file.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <pugixml.hpp>

#include "core/cim_datetime.h"
#include "package/xml_io.h"

namespace vsm::package {
namespace {

// v1 ResourceType numbers (hyperv-wmi-contracts.md §4.2).
constexpr int kProcessor = 3;
constexpr int kMemory = 4;
constexpr int kScsiController = 6;
constexpr int kEthernet = 10;
constexpr int kDvdDrive = 16;
constexpr int kDiskDrive = 22;

class InstanceWriter {
 public:
  InstanceWriter(pugi::xml_node root, const char* class_name)
      : node_(root.append_child("INSTANCE")) {
    node_.append_attribute("CLASSNAME") = class_name;
  }
  InstanceWriter& Add(const char* name, const char* type, const std::string& value) {
    pugi::xml_node property = node_.append_child("PROPERTY");
    property.append_attribute("NAME") = name;
    property.append_attribute("TYPE") = type;
    property.append_child("VALUE").text() = value.c_str();
    return *this;
  }
  InstanceWriter& AddArray(const char* name, const std::string& value) {
    pugi::xml_node property = node_.append_child("PROPERTY.ARRAY");
    property.append_attribute("NAME") = name;
    property.append_attribute("TYPE") = "string";
    property.append_child("VALUE.ARRAY").append_child("VALUE").text() = value.c_str();
    return *this;
  }

 private:
  pugi::xml_node node_;
};

// The PROPERTY (or first element of a PROPERTY.ARRAY) named `name`, or "" if absent.
std::string PropertyText(pugi::xml_node instance, std::string_view name) {
  for (pugi::xml_node property : instance.children()) {
    if (name != property.attribute("NAME").value()) continue;
    if (std::string_view(property.name()) == "PROPERTY.ARRAY") {
      return property.child("VALUE.ARRAY").child_value("VALUE");
    }
    return property.child_value("VALUE");
  }
  return "";
}

bool ParseUnsigned(const std::string& text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string ControllerText(const Drive& drive) {
  return fmt::format("{}/{}", drive.controller == ControllerKind::kIde ? "IDE" : "SCSI",
                     drive.controller_index);
}

}  // namespace

namespace {

constexpr int kSettingTypeCurrent = 3;
constexpr int kSettingTypeSnapshot = 5;

// "Microsoft:<GUID>" -> the GUID.
std::optional<Guid> GuidOfInstanceId(std::string_view instance_id) {
  constexpr std::string_view kPrefix = "Microsoft:";
  if (instance_id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return Guid::Parse(instance_id.substr(kPrefix.size()));
}

// What the Msvm_VirtualSystemSettingData of an .exp says about itself: the system's (SettingType
// 3) or a snapshot's (SettingType 5).
struct SettingsHeader {
  Guid instance;        // InstanceID "Microsoft:<instance>": the system's or the snapshot's Guid
  std::string element_name;
  int setting_type = kSettingTypeCurrent;
  Guid parent;          // Parent "Microsoft:<parent>": the snapshot this derives from; null: none
  std::chrono::system_clock::time_point creation_time;
};

std::string InstanceIdOf(const Guid& id) { return "Microsoft:" + id.ToString(); }

Result<void> WriteDefinition(const SystemDefinition& system, const SettingsHeader& header,
                             const std::filesystem::path& file) {
  pugi::xml_document document;
  pugi::xml_node root = document.append_child("vsm-definition");
  root.append_attribute("format-version") = 1;
  std::string guid = system.id.ToString();
  std::string prefix = InstanceIdOf(header.instance);
  InstanceWriter(root, "Msvm_VirtualSystemSettingData")
      .Add("InstanceID", "string", prefix)
      .Add("SystemName", "string", guid)
      .Add("ElementName", "string", header.element_name)
      .Add("SettingType", "uint16", std::to_string(header.setting_type))
      .Add("VirtualSystemType", "string", "301")
      .Add("Parent", "string", header.parent.IsNull() ? "" : InstanceIdOf(header.parent))
      .Add("Notes", "string", system.notes)
      .Add("BIOSGUID", "string", "{" + system.bios_guid.ToString() + "}")
      .Add("CreationTime", "datetime", FormatDatetime(header.creation_time));
  InstanceWriter(root, "Msvm_VirtualSystemGlobalSettingData")
      .Add("InstanceID", "string", prefix + "\\Global")
      .Add("SystemName", "string", guid);
  InstanceWriter(root, "Msvm_MemorySettingData")
      .Add("InstanceID", "string", prefix + "\\Memory")
      .Add("ResourceType", "uint16", std::to_string(kMemory))
      .Add("AllocationUnits", "string", "MB")
      .Add("VirtualQuantity", "uint64", std::to_string(system.memory_mb));
  InstanceWriter(root, "Msvm_ProcessorSettingData")
      .Add("InstanceID", "string", prefix + "\\Processor")
      .Add("ResourceType", "uint16", std::to_string(kProcessor))
      .Add("AllocationUnits", "string", "Processor Cores")
      .Add("VirtualQuantity", "uint64", std::to_string(system.processor_count));
  for (uint32_t i = 0; i < system.scsi_controller_count; ++i) {
    InstanceWriter(root, "Msvm_ResourceAllocationSettingData")
        .Add("InstanceID", "string", fmt::format("{}\\SCSI\\{}", prefix, i))
        .Add("ResourceType", "uint16", std::to_string(kScsiController))
        .Add("ResourceSubType", "string", "Microsoft Synthetic SCSI Controller")
        .Add("Address", "string", std::to_string(i));
  }
  for (size_t i = 0; i < system.drives.size(); ++i) {
    const Drive& drive = system.drives[i];
    bool disk = drive.kind == DriveKind::kHardDisk;
    InstanceWriter(root, "Msvm_ResourceAllocationSettingData")
        .Add("InstanceID", "string", fmt::format("{}\\Drive\\{}", prefix, i))
        .Add("ResourceType", "uint16", std::to_string(disk ? kDiskDrive : kDvdDrive))
        .Add("ResourceSubType", "string", disk ? "Microsoft Virtual Hard Disk" : "Microsoft ISO Image")
        .Add("Parent", "string", ControllerText(drive))
        .Add("Address", "string", std::to_string(drive.slot))
        .AddArray("Connection", drive.path);
  }
  for (size_t i = 0; i < system.network_adapters.size(); ++i) {
    const NetworkAdapter& adapter = system.network_adapters[i];
    InstanceWriter(root, "Msvm_ResourceAllocationSettingData")
        .Add("InstanceID", "string", fmt::format("{}\\Ethernet\\{}", prefix, i))
        .Add("ResourceType", "uint16", std::to_string(kEthernet))
        .Add("ResourceSubType", "string", "Microsoft Synthetic Ethernet Port")
        .Add("Address", "string", adapter.mac_address)
        .Add("StaticMacAddress", "boolean", adapter.static_mac ? "TRUE" : "FALSE")
        .AddArray("Connection", adapter.switch_name);
  }
  return SaveXmlFile(document, file);
}

struct ParsedDefinition {
  SystemDefinition system;
  SettingsHeader header;
};

Result<ParsedDefinition> ParseDefinition(const std::filesystem::path& file) {
  pugi::xml_document document;
  VSM_RETURN_IF_ERROR(LoadXmlFile(file, document));
  auto malformed = [&](const std::string& what) {
    return Error::InvalidParameter(fmt::format("'{}' is not a valid definition: {}", file.string(), what));
  };
  pugi::xml_node root = document.child("vsm-definition");
  if (!root) return malformed("its root element is not <vsm-definition>");
  SystemDefinition system;
  SettingsHeader header;
  bool have_settings = false, have_memory = false, have_processor = false;
  for (pugi::xml_node instance : root.children("INSTANCE")) {
    std::string class_name = instance.attribute("CLASSNAME").value();
    if (class_name == "Msvm_VirtualSystemSettingData") {
      have_settings = true;
      auto id = Guid::Parse(PropertyText(instance, "SystemName"));
      if (!id) return malformed("SystemName is not a GUID");
      system.id = *id;
      system.name = PropertyText(instance, "ElementName");
      system.notes = PropertyText(instance, "Notes");
      auto bios = Guid::Parse(PropertyText(instance, "BIOSGUID"));
      if (!bios) return malformed("BIOSGUID is not a GUID");
      system.bios_guid = *bios;
      auto created = ParseDatetime(PropertyText(instance, "CreationTime"));
      if (!created) return malformed("CreationTime is not a CIM datetime");
      system.creation_time = *created;
      header.creation_time = *created;
      header.element_name = system.name;
      std::optional<Guid> instance_id = GuidOfInstanceId(PropertyText(instance, "InstanceID"));
      if (!instance_id) return malformed("the InstanceID of its settings is not \"Microsoft:<GUID>\"");
      header.instance = *instance_id;
      std::string setting_type = PropertyText(instance, "SettingType");
      if (setting_type != "3" && setting_type != "5") {
        return malformed(fmt::format("SettingType '{}' is neither 3 (a system) nor 5 (a snapshot)",
                                     setting_type));
      }
      header.setting_type = setting_type == "3" ? kSettingTypeCurrent : kSettingTypeSnapshot;
      std::string parent = PropertyText(instance, "Parent");
      if (!parent.empty()) {
        std::optional<Guid> parent_id = GuidOfInstanceId(parent);
        if (!parent_id) return malformed(fmt::format("Parent '{}' is not \"Microsoft:<GUID>\"", parent));
        header.parent = *parent_id;
      }
      continue;
    }
    if (class_name == "Msvm_VirtualSystemGlobalSettingData") continue;
    uint64_t type = 0;
    if (!ParseUnsigned(PropertyText(instance, "ResourceType"), type)) {
      return malformed(fmt::format("a {} has no ResourceType", class_name));
    }
    uint64_t quantity = 0;
    switch (type) {
      case kMemory:
      case kProcessor:
        if (!ParseUnsigned(PropertyText(instance, "VirtualQuantity"), quantity)) {
          return malformed("VirtualQuantity of memory or processors is not a number");
        }
        if (type == kMemory) {
          system.memory_mb = quantity;
          have_memory = true;
        } else {
          if (quantity > UINT32_MAX) return malformed("the processor count is out of range");
          system.processor_count = static_cast<uint32_t>(quantity);
          have_processor = true;
        }
        break;
      case kScsiController:
        ++system.scsi_controller_count;
        break;
      case kDiskDrive:
      case kDvdDrive: {
        Drive drive;
        drive.kind = type == kDiskDrive ? DriveKind::kHardDisk : DriveKind::kDvd;
        std::string parent = PropertyText(instance, "Parent");
        size_t slash = parent.find('/');
        uint64_t controller_index = 0, slot = 0;
        if (slash == std::string::npos || !ParseUnsigned(parent.substr(slash + 1), controller_index) ||
            !ParseUnsigned(PropertyText(instance, "Address"), slot) ||
            controller_index > UINT32_MAX || slot > UINT32_MAX) {
          return malformed(fmt::format("drive '{}' has no valid controller and slot", PropertyText(instance, "InstanceID")));
        }
        std::string bus = parent.substr(0, slash);
        if (bus != "IDE" && bus != "SCSI") return malformed(fmt::format("unknown controller '{}'", parent));
        drive.controller = bus == "IDE" ? ControllerKind::kIde : ControllerKind::kScsi;
        drive.controller_index = static_cast<uint32_t>(controller_index);
        drive.slot = static_cast<uint32_t>(slot);
        drive.path = PropertyText(instance, "Connection");
        system.drives.push_back(std::move(drive));
        break;
      }
      case kEthernet:
        system.network_adapters.push_back({PropertyText(instance, "Connection"),
                                           PropertyText(instance, "Address"),
                                           PropertyText(instance, "StaticMacAddress") == "TRUE"});
        break;
      default:
        return malformed(fmt::format("ResourceType {} is not one vsm knows", type));
    }
  }
  if (!have_settings) return malformed("it has no Msvm_VirtualSystemSettingData instance");
  if (!have_memory) return malformed("it has no Msvm_MemorySettingData instance");
  if (!have_processor) return malformed("it has no Msvm_ProcessorSettingData instance");
  return ParsedDefinition{std::move(system), std::move(header)};
}

}  // namespace

Result<void> WriteExpFile(const SystemDefinition& system, const std::filesystem::path& file) {
  return WriteDefinition(system,
                         {.instance = system.id,
                          .element_name = system.name,
                          .setting_type = kSettingTypeCurrent,
                          .parent = system.parent_snapshot,
                          .creation_time = system.creation_time},
                         file);
}

Result<SystemDefinition> ReadExpFile(const std::filesystem::path& file) {
  VSM_ASSIGN_OR_RETURN(ParsedDefinition parsed, ParseDefinition(file));
  if (parsed.header.setting_type != kSettingTypeCurrent) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a valid definition: it holds a snapshot, not the system's current settings",
        file.string()));
  }
  parsed.system.parent_snapshot = parsed.header.parent;
  return std::move(parsed.system);
}

Result<void> WriteSnapshotExpFile(const SnapshotRecord& snapshot, const std::filesystem::path& file) {
  SystemDefinition configuration = snapshot.configuration;
  configuration.id = snapshot.system;
  return WriteDefinition(configuration,
                         {.instance = snapshot.id,
                          .element_name = snapshot.name,
                          .setting_type = kSettingTypeSnapshot,
                          .parent = snapshot.parent,
                          .creation_time = snapshot.creation_time},
                         file);
}

Result<SnapshotRecord> ReadSnapshotExpFile(const std::filesystem::path& file) {
  VSM_ASSIGN_OR_RETURN(ParsedDefinition parsed, ParseDefinition(file));
  if (parsed.header.setting_type != kSettingTypeSnapshot) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a valid snapshot: its settings have SettingType 3, a system's, not 5",
        file.string()));
  }
  if (parsed.header.instance == parsed.system.id) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a valid snapshot: its InstanceID is its system's", file.string()));
  }
  SnapshotRecord snapshot;
  snapshot.id = parsed.header.instance;
  snapshot.system = parsed.system.id;
  snapshot.parent = parsed.header.parent;
  snapshot.name = parsed.header.element_name;
  snapshot.creation_time = parsed.header.creation_time;
  snapshot.configuration = std::move(parsed.system);
  // The name and creation time of the system at the time are not kept (Hyper-V keeps neither):
  // applying a snapshot keeps the system's own.
  snapshot.configuration.name.clear();
  snapshot.configuration.creation_time = {};
  snapshot.configuration.parent_snapshot = snapshot.parent;
  return snapshot;
}

}  // namespace vsm::package
