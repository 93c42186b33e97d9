// SystemDefinition: a virtual system as vsm records it (Hyper-V's VSSD, global settings and
// RASDs, flattened into plain C++). Value type; the store persists it, the package layer
// writes and reads it, the CIM layer presents it as Msvm_* instances.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/guid.h"
#include "core/states.h"

namespace vsm {

enum class ControllerKind : uint8_t { kIde = 0, kScsi = 1 };

// A drive on a controller: a hard disk backed by a VHD/VHDX file, or a DVD drive backed by an
// ISO file (an empty path is an empty DVD drive).
enum class DriveKind : uint8_t { kHardDisk = 0, kDvd = 1 };

struct Drive {
  DriveKind kind = DriveKind::kHardDisk;
  ControllerKind controller = ControllerKind::kIde;
  uint32_t controller_index = 0;  // IDE 0-1, SCSI 0-3
  uint32_t slot = 0;              // IDE 0-1, SCSI 0-63
  std::string path;               // absolute path of the VHD/VHDX/ISO
  bool operator==(const Drive&) const = default;
};

// A synthetic network adapter.
struct NetworkAdapter {
  std::string switch_name;   // the virtual switch it connects to ("" = not connected)
  std::string mac_address;   // 12 upper-case hex digits, e.g. "00155D0A0B0C"
  bool static_mac = false;   // false: the MAC is dynamic and regenerated on a new-ID import
  bool operator==(const NetworkAdapter&) const = default;
};

struct SystemDefinition {
  Guid id;                   // Msvm_ComputerSystem.Name
  std::string name;          // ElementName, 1..100 characters
  EnabledState enabled_state = EnabledState::kDisabled;
  uint64_t memory_mb = 512;
  uint32_t processor_count = 1;
  uint32_t scsi_controller_count = 0;  // IDE controllers are always 2, as on Hyper-V
  std::vector<Drive> drives;
  std::vector<NetworkAdapter> network_adapters;
  std::string notes;
  Guid bios_guid;
  std::chrono::system_clock::time_point creation_time;
  // Where the system's files live when it was imported in place: the package directory, which
  // then belongs to this system. Empty for systems defined over existing disks.
  std::string package_directory;
  // The snapshot the current state derives from (Hyper-V's "Now" sits under it in the snapshot
  // tree); null when the system has no snapshot or its state derives from none.
  Guid parent_snapshot;

  bool operator==(const SystemDefinition&) const = default;
};

}  // namespace vsm
