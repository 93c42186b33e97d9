// The VHDX metadata region: a 64 KiB table ("metadata") listing items such as the file
// parameters, the virtual disk size and id, the sector sizes and, for a differencing disk, the
// parent locator. Pure parsers plus one reader; thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/guid.h"
#include "core/result.h"
#include "disk/disk_file.h"
#include "disk/vhdx_region_table.h"

namespace vsm::disk {

inline constexpr size_t kVhdxMetadataTableSize = 64 * 1024;
inline constexpr uint16_t kVhdxMaxMetadataEntries = 2047;
inline constexpr uint32_t kVhdxMaxMetadataItemBytes = 1 << 20;
inline constexpr uint64_t kVhdxMaxVirtualSizeBytes = 64ull << 40;  // 64 TiB

// The item GUIDs of MS-VHDX 2.6.2.
Guid VhdxFileParametersGuid();      // CAA16737-FA36-4D43-B3B6-33F0AA44E76B
Guid VhdxVirtualDiskSizeGuid();     // 2FA54224-CD1B-4876-B211-5DBED83BF4B8
Guid VhdxVirtualDiskIdGuid();       // BECA12AB-B2E6-4523-93EF-C309E000C746
Guid VhdxLogicalSectorSizeGuid();   // 8141BF1D-A96F-4709-BA47-F233A8FAAB5F
Guid VhdxPhysicalSectorSizeGuid();  // CDA348C7-445D-4471-9CC9-E9885251C556
Guid VhdxParentLocatorGuid();       // A8D35F2D-B30B-454D-ABF7-D3D84834AB0C
Guid VhdxParentLocatorTypeGuid();   // B04AEFB7-D19E-4A81-B789-25B8E9445913

struct VhdxMetadataEntry {
  Guid item_id;
  uint32_t offset = 0;  // from the start of the metadata region
  uint32_t length_bytes = 0;
  bool is_user = false;
  bool is_virtual_disk = false;
  bool is_required = false;
};

// Parses the table at the start of a metadata region of `region_length_bytes`: signature
// "metadata", at most 2047 entries, each item inside the region past the table and at most
// 1 MiB, no unknown system item marked required. Errors describe the table only
// ("metadata table: ...").
// REQUIRES: bytes.size() == kVhdxMetadataTableSize
Result<std::vector<VhdxMetadataEntry>> ParseVhdxMetadataTable(std::span<const uint8_t> bytes,
                                                              uint64_t region_length_bytes);

struct VhdxParentLocator {
  Guid locator_type;
  std::vector<std::pair<std::string, std::string>> entries;  // UTF-8 key, value
  // The value of `key`, if present.
  std::optional<std::string> Find(std::string_view key) const;
};

// Parses a parent locator item: type B04AEFB7-..., key/value pairs in UTF-16LE inside the item,
// a parent_linkage key. Errors describe the item only ("parent locator: ...").
Result<VhdxParentLocator> ParseVhdxParentLocator(std::span<const uint8_t> item);

struct VhdxMetadata {
  uint32_t block_size_bytes = 0;
  bool leave_block_allocated = false;  // set for fixed disks
  bool has_parent = false;             // set for differencing disks
  uint64_t virtual_disk_size_bytes = 0;
  Guid virtual_disk_id;
  uint32_t logical_sector_size_bytes = 0;
  uint32_t physical_sector_size_bytes = 0;
  std::optional<VhdxParentLocator> parent_locator;  // when has_parent
};

// Reads and checks the metadata of `file` from `region`: the table, every required item present,
// block size a power of two from 1 MiB to 256 MiB, sector sizes 512 or 4096, a virtual size that
// is a non-zero multiple of the logical sector size and at most 64 TiB, and the parent locator of
// a differencing disk. Errors: kInvalidParameter "'<path>' is not a valid VHDX: ...".
Result<VhdxMetadata> ReadVhdxMetadata(const DiskFile& file, const VhdxRegion& region);

}  // namespace vsm::disk
