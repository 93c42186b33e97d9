// The VHDX region table: 64 KiB at 192 KiB (copy at 256 KiB), signature "regi", CRC-32C,
// listing where the BAT and the metadata regions lie. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::disk {

inline constexpr uint64_t kVhdxRegionTable1Offset = 192 * 1024;
inline constexpr uint64_t kVhdxRegionTable2Offset = 256 * 1024;
inline constexpr size_t kVhdxRegionTableSize = 64 * 1024;
inline constexpr size_t kVhdxRegionTableChecksumOffset = 4;
inline constexpr uint32_t kVhdxMaxRegionEntries = 2047;

// 2DC27766-F623-4200-9D64-115E9BFD4A08
Guid VhdxBatRegionGuid();
// 8B7CA206-4790-4B9A-B8FE-575F050F886E
Guid VhdxMetadataRegionGuid();

struct VhdxRegion {
  Guid guid;
  uint64_t file_offset = 0;
  uint32_t length_bytes = 0;
  bool required = false;
};

struct VhdxRegionTable {
  std::vector<VhdxRegion> entries;
  // The entry with `guid`, if any.
  std::optional<VhdxRegion> Find(const Guid& guid) const;
};

// Parses and checks one copy: signature "regi", CRC-32C over the 64 KiB, at most 2047 entries,
// offsets and lengths that are 1 MiB multiples past the first 1 MiB, no unknown region marked
// required, exactly one BAT and one metadata region. Errors name the copy only ("region table 1
// at offset 196608: ...").
// REQUIRES: bytes.size() == kVhdxRegionTableSize
Result<VhdxRegionTable> ParseVhdxRegionTable(std::span<const uint8_t> bytes, uint64_t table_offset);

}  // namespace vsm::disk
