// The DiskLayer of a VHD file (fixed, dynamic or differencing): maps, reads and writes virtual
// bytes through the BAT and the per-block sector bitmaps. DiskLayer::Open dispatches here for
// VHD files. Thread-compatible, as DiskLayer says.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "core/result.h"
#include "disk/disk_layer.h"

namespace vsm::disk {

// Opens and validates the VHD at `path`: InspectVhd's checks, plus that no BAT entry (with its
// sector bitmap) overlaps the footer copy, the dynamic header or the BAT, and for a
// differencing disk that every W2ru/W2ku locator's data lies inside the file and is UTF-16LE.
// identity() is the footer's unique id and time stamp; parent() is the dynamic header's Parent
// Unique ID and Parent Time Stamp, with the locations W2ru, W2ku, then the Parent Unicode Name.
// Map: a fixed disk is all kThisLayer; a dynamic disk's allocated blocks are kThisLayer (the
// sector bitmap is ignored, as qemu does) and the rest kZero; a differencing disk's allocated
// blocks follow the bitmap (bit set, most significant bit first: kThisLayer; clear: kParent)
// and its unallocated blocks are kParent.
// Write: a fixed disk is written in place. A new block goes where the footer was (at a sector
// boundary): the new footer is written first at the new end, then the all-ones sector bitmap and
// the block (filled from `parent` in a differencing disk, zeros in a dynamic one), then the file
// is fdatasynced and only then the BAT entry set, so that a crash never leaves a BAT entry
// pointing at unwritten data. Writing into an allocated differencing block whose bitmap is not
// all ones first copies the missing sectors from `parent`, then sets every bit. The footer
// (and so identity()) never changes.
// Errors: InspectDisk's (kInvalidParameter naming the file), ErrorFromErrno's for open and I/O.
Result<std::unique_ptr<DiskLayer>> OpenVhdLayer(const std::filesystem::path& path,
                                                DiskLayer::Access access);

// Helpers shared by the VHD files of disk/ (vhd_layer.cc, vhd_differencing.cc).
namespace vhd_internal {

inline constexpr uint64_t kSectorBytes = 512;
inline constexpr uint32_t kUnallocatedBlock = 0xFFFFFFFF;
inline constexpr size_t kFooterTimestampOffset = 24;
// Seconds from the Unix epoch to 2000-01-01 00:00:00 UTC, the VHD epoch.
inline constexpr int64_t kVhdEpochUnixSeconds = 946684800;

// Bytes of the sector bitmap before each data block: one bit per sector, padded to a sector.
uint64_t SectorBitmapBytes(uint32_t block_size_bytes);

// pread/pwrite of the whole range (EINTR retried). A short read is kFailed naming the file;
// I/O errors are ErrorFromErrno's.
Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> out);
Result<void> WriteFully(int fd, const std::filesystem::path& path, uint64_t offset,
                        std::span<const uint8_t> data);

}  // namespace vhd_internal
}  // namespace vsm::disk
