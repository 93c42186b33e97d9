#include "service/definition_checks.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <utility>

#include "disk/disk_chain.h"
#include "disk/disk_image.h"
#include "disk/posix_error.h"
#include "service/mac_address.h"

namespace vsm::service {

Result<void> CheckSystemName(std::string_view name) {
  if (name.empty()) {
    return Error::InvalidParameter("ElementName is empty; give the virtual system a name");
  }
  if (name.size() > kMaxNameLength) {
    return Error::InvalidParameter(fmt::format(
        "ElementName '{}' is {} characters long; the limit is {}", name, name.size(), kMaxNameLength));
  }
  if (name == "." || name == "..") {
    return Error::InvalidParameter(fmt::format("ElementName '{}' cannot name a directory; choose another name", name));
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Error::InvalidParameter("ElementName contains a control character; use printable characters only");
    }
    if (c == '/') {
      return Error::InvalidParameter(fmt::format(
          "ElementName '{}' contains '/', but the name becomes the export directory's name; remove the '/'",
          name));
    }
  }
  return Ok();
}

Result<void> CheckSystemSettings(const SystemDefinition& system) {
  VSM_RETURN_IF_ERROR(CheckSystemName(system.name));
  if (system.memory_mb == 0 || system.memory_mb > kMaxMemoryMb) {
    return Error::InvalidParameter(fmt::format("memory of {} MB is out of range; give 1 to {} MB",
                                               system.memory_mb, kMaxMemoryMb));
  }
  if (system.processor_count == 0 || system.processor_count > kMaxProcessors) {
    return Error::InvalidParameter(fmt::format("{} processors is out of range; give 1 to {}",
                                               system.processor_count, kMaxProcessors));
  }
  if (system.scsi_controller_count > kMaxScsiControllers) {
    return Error::InvalidParameter(fmt::format("{} SCSI controllers is out of range; give 0 to {}",
                                               system.scsi_controller_count, kMaxScsiControllers));
  }
  std::set<std::tuple<ControllerKind, uint32_t, uint32_t>> used;
  for (const Drive& drive : system.drives) {
    bool ide = drive.controller == ControllerKind::kIde;
    uint32_t controllers = ide ? kIdeControllers : system.scsi_controller_count;
    uint32_t slots = ide ? kIdeSlots : kScsiSlots;
    const char* bus = ide ? "IDE" : "SCSI";
    if (drive.controller_index >= controllers || drive.slot >= slots) {
      return Error::InvalidParameter(fmt::format(
          "drive '{}' is at {} controller {} slot {}, which does not exist (the system has {} {} "
          "controller(s) with {} slots each)",
          drive.path, bus, drive.controller_index, drive.slot, controllers, bus, slots));
    }
    if (!used.emplace(drive.controller, drive.controller_index, drive.slot).second) {
      return Error::InvalidParameter(fmt::format(
          "two drives are at {} controller {} slot {}; give each drive its own slot", bus,
          drive.controller_index, drive.slot));
    }
    if (drive.kind == DriveKind::kHardDisk && drive.path.empty()) {
      return Error::InvalidParameter(fmt::format(
          "the hard disk drive at {} controller {} slot {} has no file; give it a VHD or VHDX path",
          bus, drive.controller_index, drive.slot));
    }
  }
  for (const NetworkAdapter& adapter : system.network_adapters) {
    if (!adapter.mac_address.empty() && !NormalizeMacAddress(adapter.mac_address)) {
      return Error::InvalidParameter(fmt::format(
          "MAC address '{}' is not a unicast MAC; give 12 hex digits such as 00155D0A0B0C",
          adapter.mac_address));
    }
  }
  return Ok();
}

Result<void> CheckSystemFiles(const SystemDefinition& system) {
  for (const Drive& drive : system.drives) {
    if (drive.path.empty()) continue;  // an empty DVD drive
    std::filesystem::path path(drive.path);
    if (!path.is_absolute()) {
      return Error::InvalidParameter(fmt::format(
          "'{}' is a relative path; give the absolute path of the file", drive.path));
    }
    if (drive.kind == DriveKind::kHardDisk) {
      // The whole chain of a differencing disk: without its parent it would read as zeros.
      Result<disk::DiskChain> chain = disk::DiskChain::Open(path);
      if (!chain.ok()) return chain.error();
      continue;
    }
    struct stat st;
    if (::stat(drive.path.c_str(), &st) != 0) {
      return disk::ErrorFromErrno("cannot open ISO image", path, errno);
    }
    if (!S_ISREG(st.st_mode)) {
      return Error::InvalidParameter(fmt::format("ISO image '{}' is not a regular file", drive.path));
    }
  }
  return Ok();
}

}  // namespace vsm::service
