// Inspection and validation of virtual hard disk files: VHD (fixed, dynamic, differencing) and
// VHDX (fixed, dynamic, differencing). Reads headers only; never writes. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::disk {

enum class DiskFormat {
  kVhdFixed,
  kVhdDynamic,
  kVhdDifferencing,
  kVhdxFixed,
  kVhdxDynamic,
  kVhdxDifferencing,
};

// "VHD fixed", "VHDX dynamic", ...
std::string_view DiskFormatName(DiskFormat format);

struct DiskInfo {
  DiskFormat format = DiskFormat::kVhdFixed;
  uint64_t virtual_size_bytes = 0;  // the size the guest sees
  uint64_t file_size_bytes = 0;     // the file's apparent size
  Guid identifier;                  // VHD footer unique id; VHDX virtual disk id
  bool has_parent = false;          // differencing
  std::string parent_path_hint;     // the parent as the child names it (relative preferred)
};

// Validates the file at `path` and describes it. Checks: the file opens and is large enough;
// VHD: footer cookie "conectix", footer checksum, disk type, and for dynamic/differencing disks
// the "cxsparse" header cookie and checksum and that the BAT lies inside the file; VHDX: the
// "vhdxfile" signature, both headers' CRC-32C (at least one valid; the higher sequence number
// wins), the region table signature and CRC-32C, and the metadata's virtual size. The format
// comes from the content; a name ending (.vhd/.avhd vs .vhdx/.avhdx) that contradicts it is an
// error.
// Errors: kInvalidParameter with a message naming the file and what is wrong, e.g.
//   "'/x/disk.vhd' is not a valid VHD: footer checksum is 0x1234abcd, expected 0x1234abce"
// kAccessDenied / kFailed from the OS as ErrorFromErrno gives them.
Result<DiskInfo> InspectDisk(const std::filesystem::path& path);

// True if `path` names a virtual hard disk by its ending (.vhd .vhdx .avhd .avhdx, any case).
bool HasDiskExtension(const std::filesystem::path& path);

}  // namespace vsm::disk
