// Inspection of a VHDX file (fixed, dynamic or differencing): headers, region table, metadata
// and BAT. Internal to disk/; InspectDisk is the public entry. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "disk/disk_file.h"
#include "disk/disk_image.h"
#include "disk/vhdx_header.h"
#include "disk/vhdx_metadata.h"
#include "disk/vhdx_region_table.h"

namespace vsm::disk {

// BAT entry states (MS-VHDX 2.5.1).
inline constexpr uint64_t kVhdxPayloadBlockNotPresent = 0;
inline constexpr uint64_t kVhdxPayloadBlockUndefined = 1;
inline constexpr uint64_t kVhdxPayloadBlockZero = 2;
inline constexpr uint64_t kVhdxPayloadBlockUnmapped = 3;
inline constexpr uint64_t kVhdxPayloadBlockFullyPresent = 6;
inline constexpr uint64_t kVhdxPayloadBlockPartiallyPresent = 7;
inline constexpr uint64_t kVhdxSectorBitmapBlockNotPresent = 0;
inline constexpr uint64_t kVhdxSectorBitmapBlockPresent = 6;

// The BAT's shape: payload block entries, with one sector bitmap entry after every
// `chunk_ratio` of them (MS-VHDX 2.5).
struct VhdxBatLayout {
  uint64_t block_size_bytes = 0;
  uint64_t chunk_ratio = 0;  // 2^23 * logical sector size / block size
  uint64_t data_blocks = 0;  // payload blocks that cover the virtual size
  uint64_t entry_count = 0;  // entries the BAT needs for them
  uint64_t virtual_disk_size_bytes = 0;
  bool has_parent = false;

  // The BAT index of payload block `block` and of the sector bitmap entry of its chunk.
  uint64_t PayloadIndex(uint64_t block) const { return block + block / chunk_ratio; }
  uint64_t BitmapIndex(uint64_t block) const {
    return (block / chunk_ratio) * (chunk_ratio + 1) + chunk_ratio;
  }
};

VhdxBatLayout ComputeVhdxBatLayout(const VhdxMetadata& metadata);

// Everything InspectVhdx reads and checks, for the code that goes on to read or write the file.
struct VhdxFileLayout {
  DiskInfo info;
  VhdxHeader header;           // the current header
  uint64_t header_offset = 0;  // kVhdxHeader1Offset or kVhdxHeader2Offset: where `header` is
  VhdxRegion bat_region;
  VhdxRegion metadata_region;
  size_t region_count = 0;  // entries in the region table (2 unless it lists optional ones)
  VhdxMetadata metadata;
  VhdxBatLayout bat_layout;
  std::vector<uint64_t> bat;  // the first bat_layout.entry_count entries, if asked for
};

// InspectVhdx's checks, returning what they read. With `keep_bat`, the BAT entries are kept.
Result<VhdxFileLayout> ReadVhdxLayout(const DiskFile& file, bool keep_bat);

// Validates `file` as a VHDX and describes it. Checks the "vhdxfile" signature; both headers
// (at least one valid, the higher sequence number wins, no log waiting for replay); the region
// table (the first valid copy); that the log, BAT and metadata regions lie inside the file; the
// metadata (see ReadVhdxMetadata); that the BAT is large enough for the virtual size and every
// present block lies inside the file; for a differencing disk, that it names its parent
// (relative_path, then absolute_win32_path, then volume_path).
// Errors: kInvalidParameter "'<path>' is not a valid VHDX: <what is wrong>", or "'<path>' needs
// log replay; ...".
Result<DiskInfo> InspectVhdx(const DiskFile& file);

}  // namespace vsm::disk
