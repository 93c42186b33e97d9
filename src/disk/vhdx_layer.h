// The DiskLayer of a VHDX file (fixed, dynamic or differencing): maps, reads and writes virtual
// bytes through the BAT and, in a differencing disk, the sector bitmap blocks. DiskLayer::Open
// dispatches here for VHDX files. Thread-compatible, as DiskLayer says.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/guid.h"
#include "core/result.h"
#include "disk/disk_layer.h"
#include "disk/vhdx_header.h"

namespace vsm::disk {

// Opens and validates the VHDX at `path`: InspectVhdx's checks (headers, region table, metadata,
// every BAT entry inside the file), plus that no present block overlaps the log, the BAT or the
// metadata region, that the parent locator's parent_linkage is a GUID, and that the chunk of
// every PARTIALLY_PRESENT block has its sector bitmap block.
// identity() is the current header's DataWriteGuid; parent() is the parent locator's
// parent_linkage with the locations relative_path, volume_path, absolute_win32_path (those
// present, as stored).
// Map: FULLY_PRESENT blocks are kThisLayer. In a fixed or dynamic disk every other state reads as
// zeros (MS-VHDX 2.5.1.1 allows zeros for NOT_PRESENT, UNDEFINED and UNMAPPED, and requires them
// for ZERO). In a differencing disk NOT_PRESENT is kParent; ZERO is kZero; UNDEFINED and UNMAPPED
// are kZero too (the spec lets a reader return zeros for both in every VHDX type; libvhdi reads
// the parent for them instead, which the spec also allows for UNDEFINED but which exposes stale
// parent data after an UNMAP); PARTIALLY_PRESENT follows the sector bitmap, one bit per logical
// sector, least significant bit first (MS-VHDX 2.4): set is kThisLayer, clear is kParent.
// Write: see DiskLayer::Write. A block that is not FULLY_PRESENT gets a new 1 MiB aligned place at
// the end of the file, is written whole (the bytes the write does not cover come from this
// layer's own sectors, `parent` for kParent bytes, zeros for kZero bytes), the file is
// fdatasynced, and only then the BAT entry becomes FULLY_PRESENT. The first Write of a session
// first updates both headers (MS-VHDX 2.2.2.1): new FileWriteGuid and DataWriteGuid, so that
// identity() changes and children made from the old content no longer match.
// Errors: InspectDisk's (kInvalidParameter naming the file), ErrorFromErrno's for open and I/O.
Result<std::unique_ptr<DiskLayer>> OpenVhdxLayer(const std::filesystem::path& path,
                                                 DiskLayer::Access access);

// Helpers shared by the VHDX files of disk/ (vhdx_layer.cc, vhdx_differencing.cc).
namespace vhdx_internal {

inline constexpr uint64_t kOneMiB = 1 << 20;

inline void StoreLittleEndian16(uint8_t* p, uint16_t value) {
  p[0] = static_cast<uint8_t>(value);
  p[1] = static_cast<uint8_t>(value >> 8);
}
inline void StoreLittleEndian64(uint8_t* p, uint64_t value) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

// The 4 KiB on-disk form of `header`, signature and CRC-32C included.
std::vector<uint8_t> SerializeVhdxHeader(const VhdxHeader& header);

// Rewrites both header copies as MS-VHDX 2.2.2.1 describes: the non-current copy first, with the
// sequence number of `current` (which lies at `current_offset`) plus one, a new FileWriteGuid
// and, if `new_data_write_guid`, a new DataWriteGuid; fdatasync; then the other copy with the
// sequence number plus two and the same GUIDs; fdatasync. Returns the header now current.
Result<VhdxHeader> RewriteVhdxHeaders(int fd, const std::filesystem::path& path,
                                      const VhdxHeader& current, uint64_t current_offset,
                                      bool new_data_write_guid);

// pread/pwrite of the whole range (EINTR retried). A short read is kFailed naming the file;
// I/O errors are ErrorFromErrno's.
Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> out);
Result<void> WriteFully(int fd, const std::filesystem::path& path, uint64_t offset,
                        std::span<const uint8_t> data);
// fdatasync, as an ErrorFromErrno on failure.
Result<void> SyncData(int fd, const std::filesystem::path& path);

}  // namespace vhdx_internal
}  // namespace vsm::disk
