#include "disk/vhdx_region_table.h"

#include <fmt/format.h>

#include "disk/byte_order.h"
#include "disk/crc32c.h"
#include "disk/signature.h"

namespace vsm::disk {
namespace {

constexpr uint64_t kOneMiB = 1 << 20;
constexpr size_t kHeaderSize = 16;
constexpr size_t kEntrySize = 32;

}  // namespace

Guid VhdxBatRegionGuid() {
  static const Guid guid = *Guid::Parse("2DC27766-F623-4200-9D64-115E9BFD4A08");
  return guid;
}

Guid VhdxMetadataRegionGuid() {
  static const Guid guid = *Guid::Parse("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  return guid;
}

std::optional<VhdxRegion> VhdxRegionTable::Find(const Guid& guid) const {
  for (const VhdxRegion& region : entries) {
    if (region.guid == guid) return region;
  }
  return std::nullopt;
}

Result<VhdxRegionTable> ParseVhdxRegionTable(std::span<const uint8_t> bytes,
                                             uint64_t table_offset) {
  const int copy = table_offset == kVhdxRegionTable1Offset ? 1 : 2;
  auto invalid = [&](std::string detail) {
    return Error::InvalidParameter(
        fmt::format("region table {} at offset {}: {}", copy, table_offset, detail));
  };
  const uint8_t* p = bytes.data();
  if (!HasSignature(bytes, "regi")) {
    return invalid(fmt::format("signature is {}, expected 'regi'", DescribeSignature(bytes, 4)));
  }
  const uint32_t stored_checksum = LoadLittleEndian32(p + kVhdxRegionTableChecksumOffset);
  const uint32_t computed_checksum = Crc32cWithZeroedField(bytes, kVhdxRegionTableChecksumOffset);
  if (stored_checksum != computed_checksum) {
    return invalid(
        fmt::format("checksum is {:#010x}, expected {:#010x}", stored_checksum, computed_checksum));
  }
  const uint32_t entry_count = LoadLittleEndian32(p + 8);
  if (entry_count > kVhdxMaxRegionEntries) {
    return invalid(fmt::format("entry count is {}, more than the {} allowed", entry_count,
                               kVhdxMaxRegionEntries));
  }
  VhdxRegionTable table;
  for (uint32_t i = 0; i < entry_count; ++i) {
    const uint8_t* entry = p + kHeaderSize + i * kEntrySize;
    VhdxRegion region;
    region.guid = LoadGuidMixedEndian(entry);
    region.file_offset = LoadLittleEndian64(entry + 16);
    region.length_bytes = LoadLittleEndian32(entry + 24);
    region.required = (LoadLittleEndian32(entry + 28) & 1) != 0;
    const bool known =
        region.guid == VhdxBatRegionGuid() || region.guid == VhdxMetadataRegionGuid();
    if (!known && region.required) {
      return invalid(
          fmt::format("region {} is marked required but is not one vsm knows (BAT or "
                      "metadata); the disk needs a newer VHDX implementation",
                      region.guid.ToString()));
    }
    if (region.file_offset < kOneMiB || region.file_offset % kOneMiB != 0 ||
        region.length_bytes == 0 || region.length_bytes % kOneMiB != 0) {
      return invalid(
          fmt::format("region {} has offset {} and length {}, expected non-zero "
                      "multiples of 1 MiB past the first 1 MiB",
                      region.guid.ToString(), region.file_offset, region.length_bytes));
    }
    if (table.Find(region.guid)) {
      return invalid(fmt::format("region {} is listed twice", region.guid.ToString()));
    }
    table.entries.push_back(region);
  }
  if (!table.Find(VhdxBatRegionGuid())) {
    return invalid(fmt::format("no BAT region ({})", VhdxBatRegionGuid().ToString()));
  }
  if (!table.Find(VhdxMetadataRegionGuid())) {
    return invalid(fmt::format("no metadata region ({})", VhdxMetadataRegionGuid().ToString()));
  }
  return table;
}

}  // namespace vsm::disk
