#include "cim/msvm_define_virtual_system_provider.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <span>
#include <utility>

#include "cim/msvm_base_provider.h"
#include "cim/msvm_setting_data_provider.h"

namespace vsm::cim {
namespace {

// DefineVirtualSystem's embedded instances, read in two passes: every instance is classified
// first, then extents are matched to their drives and drives placed, because an instance may
// name another that comes after it.
class DefinitionReader {
 public:
  explicit DefinitionReader(const EmbeddedInstanceCodec& codec) : codec_(codec) {}

  Result<SystemDefinition> Read(const std::optional<std::string>& system_settings,
                                const std::vector<std::string>& resource_settings) {
    definition_.name = "New Virtual Machine";
    if (system_settings) VSM_RETURN_IF_ERROR(ReadSystemSettings(*system_settings));
    for (size_t i = 0; i < resource_settings.size(); ++i) {
      VSM_RETURN_IF_ERROR(ReadResource(i, resource_settings[i]));
    }
    VSM_RETURN_IF_ERROR(AttachMedia());
    VSM_RETURN_IF_ERROR(PlaceDrives());
    for (const DriveRequest& drive : drives_) {
      definition_.drives.push_back({.kind = drive.kind,
                                    .controller = drive.placement->controller,
                                    .controller_index = drive.placement->controller_index,
                                    .slot = *drive.placement->slot,
                                    .path = drive.media_path.value_or("")});
      if (drive.placement->controller == ControllerKind::kScsi) {
        definition_.scsi_controller_count =
            std::max(definition_.scsi_controller_count, drive.placement->controller_index + 1);
      }
    }
    definition_.scsi_controller_count =
        std::max(definition_.scsi_controller_count, scsi_controllers_given_);
    return std::move(definition_);
  }

 private:
  struct Placement {
    ControllerKind controller = ControllerKind::kIde;
    uint32_t controller_index = 0;
    std::optional<uint32_t> slot{};
  };
  struct DriveRequest {
    std::string source;  // "ResourceSettingData[i]", for messages
    DriveKind kind = DriveKind::kHardDisk;
    std::string instance_id{};  // as the client gave it, "" if none
    std::string parent_id{};    // the controller its Parent names, "" if none
    std::optional<uint32_t> address{};
    std::optional<Placement> placement{};
    std::optional<std::string> media_path{};
  };
  struct ExtentRequest {
    std::string source;
    DriveKind kind = DriveKind::kHardDisk;
    std::string path{};
    std::string parent_id{};  // the drive its Parent names, "" if none
  };

  Result<Instance> Parse(std::string_view source, const std::string& text) {
    CimResult<Instance> parsed = codec_.Parse(text);
    if (IsError(parsed)) {
      return Error::InvalidParameter(fmt::format("{} is not an embedded instance: {}", source,
                                                 std::get<CimError>(parsed).description));
    }
    return std::get<Instance>(std::move(parsed));
  }

  Result<void> ReadSystemSettings(const std::string& text) {
    VSM_ASSIGN_OR_RETURN(Instance vssd, Parse("SystemSettingData", text));
    if (!EqualsIgnoreCase(vssd.class_name(), SettingDataClassName(SettingDataClass::kVirtualSystem)) &&
        !EqualsIgnoreCase(vssd.class_name(), "CIM_VirtualSystemSettingData")) {
      return Error::InvalidParameter(fmt::format(
          "SystemSettingData is a {}; pass an embedded Msvm_VirtualSystemSettingData",
          vssd.class_name()));
    }
    if (auto name = msvm::ValueAsString(vssd.Get("ElementName"))) definition_.name = *name;
    if (auto notes = msvm::ValueAsStringArray(vssd.Get("Notes"))) {
      definition_.notes = fmt::format("{}", fmt::join(*notes, "\n"));
    }
    if (auto bios_guid = msvm::ValueAsString(vssd.Get("BIOSGUID")); bios_guid && !bios_guid->empty()) {
      std::optional<Guid> parsed = Guid::Parse(*bios_guid);
      if (!parsed) {
        return Error::InvalidParameter(fmt::format(
            "SystemSettingData.BIOSGUID '{}' is not a GUID; pass one like "
            "{{4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB}} or leave it null",
            *bios_guid));
      }
      definition_.bios_guid = *parsed;
    }
    return Ok();
  }

  Result<void> ReadResource(size_t index, const std::string& text) {
    std::string source = fmt::format("ResourceSettingData[{}]", index);
    VSM_ASSIGN_OR_RETURN(Instance rasd, Parse(source, text));
    std::optional<uint64_t> type = msvm::ValueAsUnsigned(rasd.Get("ResourceType"));
    if (EqualsIgnoreCase(rasd.class_name(), SettingDataClassName(SettingDataClass::kMemory))) {
      type = static_cast<uint16_t>(ResourceType::kMemory);
    } else if (EqualsIgnoreCase(rasd.class_name(),
                                SettingDataClassName(SettingDataClass::kProcessor))) {
      type = static_cast<uint16_t>(ResourceType::kProcessor);
    } else if (!type && (EqualsIgnoreCase(rasd.class_name(), "Msvm_SyntheticEthernetPortSettingData") ||
                         EqualsIgnoreCase(rasd.class_name(), "Msvm_EmulatedEthernetPortSettingData"))) {
      type = static_cast<uint16_t>(ResourceType::kEthernetAdapter);
    }
    if (!type) {
      return Error::InvalidParameter(fmt::format(
          "{} ({}) has no ResourceType; set it, e.g. 4 memory, 3 processor, 22 disk drive, 21 "
          "storage extent, 10 Ethernet port",
          source, rasd.class_name()));
    }
    std::optional<uint64_t> quantity = msvm::ValueAsUnsigned(rasd.Get("VirtualQuantity"));
    switch (static_cast<ResourceType>(*type)) {
      case ResourceType::kMemory:
        if (quantity) definition_.memory_mb = *quantity;
        return Ok();
      case ResourceType::kProcessor:
        if (quantity && *quantity > UINT32_MAX) {
          return Error::InvalidParameter(fmt::format(
              "{}: VirtualQuantity {} is not a processor count", source, *quantity));
        }
        if (quantity) definition_.processor_count = static_cast<uint32_t>(*quantity);
        return Ok();
      case ResourceType::kIdeController:
        return ReadController(source, rasd, ControllerKind::kIde);
      case ResourceType::kScsiController:
        return ReadController(source, rasd, ControllerKind::kScsi);
      case ResourceType::kDiskDrive:
        return ReadDrive(source, rasd, DriveKind::kHardDisk);
      case ResourceType::kDvdDrive:
        return ReadDrive(source, rasd, DriveKind::kDvd);
      case ResourceType::kStorageExtent:
        return ReadExtent(source, rasd);
      case ResourceType::kEthernetAdapter:
        return ReadNetworkAdapter(source, rasd);
    }
    return Error::InvalidParameter(fmt::format(
        "{} has ResourceType {}, which vsm does not define; use 4 memory, 3 processor, 6 SCSI "
        "controller, 22 disk drive, 16 DVD drive, 21 storage extent or 10 Ethernet port",
        source, *type));
  }

  // Two IDE controllers always exist; an IDE controller RASD only gives a name to one of them.
  Result<void> ReadController(const std::string& source, const Instance& rasd, ControllerKind kind) {
    uint32_t& given = kind == ControllerKind::kIde ? ide_controllers_given_ : scsi_controllers_given_;
    uint32_t index = given++;
    if (const Value* address = rasd.Get("Address"); address && !address->is_null()) {
      std::optional<uint64_t> parsed = msvm::ValueAsUnsigned(address);
      if (!parsed || *parsed > UINT32_MAX) {
        return Error::InvalidParameter(fmt::format(
            "{}: Address '{}' is not a controller number", source,
            msvm::ValueAsString(address).value_or("?")));
      }
      index = static_cast<uint32_t>(*parsed);
    }
    if (kind == ControllerKind::kScsi) scsi_controllers_given_ = std::max(given, index + 1);
    if (auto id = msvm::ValueAsString(rasd.Get("InstanceID")); id && !id->empty()) {
      controllers_.push_back({*id, Placement{.controller = kind, .controller_index = index}});
    }
    return Ok();
  }

  Result<void> ReadDrive(const std::string& source, const Instance& rasd, DriveKind kind) {
    DriveRequest drive{.source = source, .kind = kind};
    drive.instance_id = msvm::ValueAsString(rasd.Get("InstanceID")).value_or("");
    drive.parent_id = InstanceIdOf(msvm::ValueAsString(rasd.Get("Parent")).value_or(""));
    if (const Value* address = rasd.Get("Address"); address && !address->is_null()) {
      std::optional<uint64_t> slot = msvm::ValueAsUnsigned(address);
      if (!slot || *slot > UINT32_MAX) {
        return Error::InvalidParameter(fmt::format(
            "{}: Address '{}' is not a slot number", source,
            msvm::ValueAsString(address).value_or("?")));
      }
      drive.address = static_cast<uint32_t>(*slot);
    }
    drives_.push_back(std::move(drive));
    return Ok();
  }

  Result<void> ReadExtent(const std::string& source, const Instance& rasd) {
    ExtentRequest extent{.source = source};
    std::optional<std::vector<std::string>> connection =
        msvm::ValueAsStringArray(rasd.Get("Connection"));
    if (!connection || connection->empty() || connection->front().empty()) {
      return Error::InvalidParameter(fmt::format(
          "{}: Connection is empty; pass the absolute path of the VHD, VHDX or ISO file in "
          "Connection[0]",
          source));
    }
    extent.path = connection->front();
    std::string sub_type = msvm::ValueAsString(rasd.Get("ResourceSubType")).value_or("");
    if (EqualsIgnoreCase(sub_type, kVirtualHardDiskSubType)) {
      extent.kind = DriveKind::kHardDisk;
    } else if (EqualsIgnoreCase(sub_type, kIsoImageSubType) ||
               EqualsIgnoreCase(sub_type, "Microsoft Virtual CD/DVD Disk")) {
      extent.kind = DriveKind::kDvd;
    } else if (sub_type.empty()) {
      bool is_iso = extent.path.size() >= 4 &&
                    EqualsIgnoreCase(std::string_view(extent.path).substr(extent.path.size() - 4), ".iso");
      extent.kind = is_iso ? DriveKind::kDvd : DriveKind::kHardDisk;
    } else {
      return Error::InvalidParameter(fmt::format(
          "{}: ResourceSubType '{}' is not a storage extent vsm knows; use '{}' or '{}'", source,
          sub_type, kVirtualHardDiskSubType, kIsoImageSubType));
    }
    extent.parent_id = InstanceIdOf(msvm::ValueAsString(rasd.Get("Parent")).value_or(""));
    extents_.push_back(std::move(extent));
    return Ok();
  }

  Result<void> ReadNetworkAdapter(const std::string& source, const Instance& rasd) {
    NetworkAdapter adapter;
    if (auto connection = msvm::ValueAsStringArray(rasd.Get("Connection")); connection && !connection->empty()) {
      adapter.switch_name = connection->front();
    }
    adapter.mac_address = msvm::ValueAsString(rasd.Get("Address")).value_or("");
    adapter.static_mac = msvm::ValueAsBoolean(rasd.Get("StaticMacAddress"))
                             .value_or(!adapter.mac_address.empty());
    definition_.network_adapters.push_back(std::move(adapter));
    return Ok();
  }

  // A Parent is a path text ("...:Class.InstanceID=\"...\"") or an InstanceID itself.
  static std::string InstanceIdOf(const std::string& parent) {
    if (parent.empty()) return parent;
    std::optional<ObjectPath> path = ObjectPath::Parse(parent);
    if (path) {
      if (auto id = msvm::ValueAsString(path->FindKey("InstanceID"))) return *id;
    }
    return parent;
  }

  static std::string_view KindName(DriveKind kind) {
    return kind == DriveKind::kHardDisk ? "disk drive" : "DVD drive";
  }

  Result<void> AttachMedia() {
    // Extents that name their drive first, so that the others pair with the drives left over.
    for (const ExtentRequest& extent : extents_) {
      if (extent.parent_id.empty()) continue;
      auto drive = std::find_if(drives_.begin(), drives_.end(), [&](const DriveRequest& d) {
        return !d.instance_id.empty() && EqualsIgnoreCase(d.instance_id, extent.parent_id);
      });
      if (drive != drives_.end()) {
        VSM_RETURN_IF_ERROR(Attach(extent, *drive));
        continue;
      }
      // A Parent in vsm's own InstanceID form gives the position directly.
      std::optional<SettingDataId> id = ParseSettingDataId(extent.parent_id);
      if (!id || id->kind != SettingDataId::Kind::kDrive) {
        return Error::InvalidParameter(fmt::format(
            "{}: Parent '{}' names no drive among ResourceSettingData; give the drive RASD an "
            "InstanceID and name it in Parent, or leave Parent null to place the disk "
            "automatically",
            extent.source, extent.parent_id));
      }
      drives_.push_back({.source = extent.source,
                         .kind = extent.kind,
                         .placement = Placement{id->controller, id->controller_index, id->slot},
                         .media_path = extent.path});
    }
    for (const ExtentRequest& extent : extents_) {
      if (!extent.parent_id.empty()) continue;
      auto drive = std::find_if(drives_.begin(), drives_.end(), [&](const DriveRequest& d) {
        return d.kind == extent.kind && !d.media_path;
      });
      if (drive != drives_.end()) {
        drive->media_path = extent.path;
      } else {
        drives_.push_back({.source = extent.source, .kind = extent.kind, .media_path = extent.path});
      }
    }
    for (const DriveRequest& drive : drives_) {
      if (drive.kind == DriveKind::kHardDisk && !drive.media_path) {
        return Error::InvalidParameter(fmt::format(
            "{}: the disk drive has no storage extent; add a '{}' RASD whose Connection[0] is the "
            "disk's path",
            drive.source, kVirtualHardDiskSubType));
      }
    }
    return Ok();
  }

  Result<void> Attach(const ExtentRequest& extent, DriveRequest& drive) {
    if (drive.kind != extent.kind) {
      return Error::InvalidParameter(fmt::format(
          "{}: a {} image cannot go in the {} {}", extent.source,
          extent.kind == DriveKind::kHardDisk ? "hard disk" : "ISO", KindName(drive.kind),
          drive.source));
    }
    if (drive.media_path) {
      return Error::InvalidParameter(fmt::format(
          "{}: the {} {} already holds '{}'", extent.source, KindName(drive.kind), drive.source,
          *drive.media_path));
    }
    drive.media_path = extent.path;
    return Ok();
  }

  Result<void> ResolveController(DriveRequest& drive) {
    if (drive.placement || drive.parent_id.empty()) return Ok();
    for (const auto& [id, placement] : controllers_) {
      if (EqualsIgnoreCase(id, drive.parent_id)) {
        drive.placement = placement;
        drive.placement->slot = drive.address;
        return Ok();
      }
    }
    std::optional<SettingDataId> id = ParseSettingDataId(drive.parent_id);
    if (!id || id->kind != SettingDataId::Kind::kController) {
      return Error::InvalidParameter(fmt::format(
          "{}: Parent '{}' names no controller; name an IDE or SCSI controller RASD, or leave "
          "Parent null to place the drive automatically",
          drive.source, drive.parent_id));
    }
    drive.placement = Placement{id->controller, id->controller_index, drive.address};
    return Ok();
  }

  bool IsFree(ControllerKind controller, uint32_t index, uint32_t slot) const {
    return std::none_of(drives_.begin(), drives_.end(), [&](const DriveRequest& d) {
      return d.placement && d.placement->slot && d.placement->controller == controller &&
             d.placement->controller_index == index && *d.placement->slot == slot;
    });
  }

  Result<void> PlaceDrives() {
    for (DriveRequest& drive : drives_) VSM_RETURN_IF_ERROR(ResolveController(drive));
    // Drives on a named controller without a slot take its first free one.
    for (DriveRequest& drive : drives_) {
      if (!drive.placement || drive.placement->slot) continue;
      uint32_t slots = drive.placement->controller == ControllerKind::kIde ? 2 : 64;
      for (uint32_t slot = 0; slot < slots && !drive.placement->slot; ++slot) {
        if (IsFree(drive.placement->controller, drive.placement->controller_index, slot)) {
          drive.placement->slot = slot;
        }
      }
      if (!drive.placement->slot) {
        return Error::InvalidParameter(fmt::format(
            "{}: its controller has no free slot; name another controller", drive.source));
      }
    }
    // The rest as Hyper-V places them: disks from IDE 0/0, DVDs from IDE 1/0.
    static constexpr std::pair<uint32_t, uint32_t> kDiskIdeSlots[] = {{0, 0}, {0, 1}, {1, 0}};
    static constexpr std::pair<uint32_t, uint32_t> kDvdIdeSlots[] = {{1, 0}, {1, 1}, {0, 0}, {0, 1}};
    for (DriveRequest& drive : drives_) {
      if (drive.placement) continue;
      bool is_disk = drive.kind == DriveKind::kHardDisk;
      std::span<const std::pair<uint32_t, uint32_t>> ide_slots =
          is_disk ? std::span<const std::pair<uint32_t, uint32_t>>(kDiskIdeSlots)
                  : std::span<const std::pair<uint32_t, uint32_t>>(kDvdIdeSlots);
      for (auto [index, slot] : ide_slots) {
        if (IsFree(ControllerKind::kIde, index, slot)) {
          drive.placement = Placement{ControllerKind::kIde, index, slot};
          break;
        }
      }
      for (uint32_t slot = 0; is_disk && !drive.placement && slot < 64; ++slot) {
        if (IsFree(ControllerKind::kScsi, 0, slot)) {
          drive.placement = Placement{ControllerKind::kScsi, 0, slot};
        }
      }
      if (!drive.placement) {
        return Error::InvalidParameter(fmt::format(
            "{}: no free slot is left for the {}; give it a Parent controller and Address",
            drive.source, KindName(drive.kind)));
      }
    }
    return Ok();
  }

  const EmbeddedInstanceCodec& codec_;
  SystemDefinition definition_;
  std::vector<DriveRequest> drives_;
  std::vector<ExtentRequest> extents_;
  std::vector<std::pair<std::string, Placement>> controllers_;  // InstanceID given -> controller
  uint32_t ide_controllers_given_ = 0;
  uint32_t scsi_controllers_given_ = 0;
};

}  // namespace

Result<SystemDefinition> ReadSystemDefinition(const EmbeddedInstanceCodec& codec,
                                              const std::optional<std::string>& system_settings,
                                              const std::vector<std::string>& resource_settings) {
  return DefinitionReader(codec).Read(system_settings, resource_settings);
}

}  // namespace vsm::cim
