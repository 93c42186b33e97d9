#include "disk/vhdx_metadata.h"

#include <fmt/format.h>

#include <bit>

#include "disk/byte_order.h"
#include "disk/signature.h"
#include "disk/utf16.h"

namespace vsm::disk {
namespace {

constexpr std::string_view kVhdx = "VHDX";
constexpr size_t kTableHeaderSize = 32;
constexpr size_t kTableEntrySize = 32;
constexpr size_t kLocatorHeaderSize = 20;
constexpr size_t kLocatorEntrySize = 12;

Guid GuidConstant(const char* text) { return *Guid::Parse(text); }

bool IsKnownItem(const Guid& id) {
  return id == VhdxFileParametersGuid() || id == VhdxVirtualDiskSizeGuid() ||
         id == VhdxVirtualDiskIdGuid() || id == VhdxLogicalSectorSizeGuid() ||
         id == VhdxPhysicalSectorSizeGuid() || id == VhdxParentLocatorGuid();
}

const VhdxMetadataEntry* FindEntry(const std::vector<VhdxMetadataEntry>& entries, const Guid& id) {
  for (const VhdxMetadataEntry& entry : entries) {
    if (entry.item_id == id) return &entry;
  }
  return nullptr;
}

// Reads the item `id` (named `name` in errors) of at least `min_length` bytes.
Result<std::vector<uint8_t>> ReadItem(const DiskFile& file, const VhdxRegion& region,
                                      const std::vector<VhdxMetadataEntry>& entries, const Guid& id,
                                      std::string_view name, uint32_t min_length) {
  const VhdxMetadataEntry* entry = FindEntry(entries, id);
  if (entry == nullptr) {
    return file.Invalid(kVhdx,
                        fmt::format("metadata item {} ({}) is missing", name, id.ToString()));
  }
  if (entry->length_bytes < min_length) {
    return file.Invalid(kVhdx, fmt::format("metadata item {} is {} bytes, expected at least {}",
                                           name, entry->length_bytes, min_length));
  }
  return file.Read(region.file_offset + entry->offset, entry->length_bytes, kVhdx,
                   fmt::format("metadata item {}", name));
}

Result<void> CheckSectorSize(const DiskFile& file, std::string_view name, uint32_t value) {
  if (value == 512 || value == 4096) return Ok();
  return file.Invalid(kVhdx,
                      fmt::format("metadata {} is {} bytes, expected 512 or 4096", name, value));
}

}  // namespace

Guid VhdxFileParametersGuid() {
  static const Guid guid = GuidConstant("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  return guid;
}
Guid VhdxVirtualDiskSizeGuid() {
  static const Guid guid = GuidConstant("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  return guid;
}
Guid VhdxVirtualDiskIdGuid() {
  static const Guid guid = GuidConstant("BECA12AB-B2E6-4523-93EF-C309E000C746");
  return guid;
}
Guid VhdxLogicalSectorSizeGuid() {
  static const Guid guid = GuidConstant("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  return guid;
}
Guid VhdxPhysicalSectorSizeGuid() {
  static const Guid guid = GuidConstant("CDA348C7-445D-4471-9CC9-E9885251C556");
  return guid;
}
Guid VhdxParentLocatorGuid() {
  static const Guid guid = GuidConstant("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
  return guid;
}
Guid VhdxParentLocatorTypeGuid() {
  static const Guid guid = GuidConstant("B04AEFB7-D19E-4A81-B789-25B8E9445913");
  return guid;
}

Result<std::vector<VhdxMetadataEntry>> ParseVhdxMetadataTable(std::span<const uint8_t> bytes,
                                                              uint64_t region_length_bytes) {
  auto invalid = [](std::string detail) {
    return Error::InvalidParameter("metadata table: " + detail);
  };
  const uint8_t* p = bytes.data();
  if (!HasSignature(bytes, "metadata")) {
    return invalid(
        fmt::format("signature is {}, expected 'metadata'", DescribeSignature(bytes, 8)));
  }
  const uint16_t entry_count = LoadLittleEndian16(p + 10);
  if (entry_count > kVhdxMaxMetadataEntries) {
    return invalid(fmt::format("entry count is {}, more than the {} allowed", entry_count,
                               kVhdxMaxMetadataEntries));
  }
  std::vector<VhdxMetadataEntry> entries;
  for (uint16_t i = 0; i < entry_count; ++i) {
    const uint8_t* raw = p + kTableHeaderSize + i * kTableEntrySize;
    VhdxMetadataEntry entry;
    entry.item_id = LoadGuidMixedEndian(raw);
    entry.offset = LoadLittleEndian32(raw + 16);
    entry.length_bytes = LoadLittleEndian32(raw + 20);
    const uint32_t flags = LoadLittleEndian32(raw + 24);
    entry.is_user = (flags & 1) != 0;
    entry.is_virtual_disk = (flags & 2) != 0;
    entry.is_required = (flags & 4) != 0;
    const std::string id = entry.item_id.ToString();
    if (entry.is_required && !IsKnownItem(entry.item_id)) {
      return invalid(
          fmt::format("item {} is marked required but is not one vsm knows; the disk "
                      "needs a newer VHDX implementation",
                      id));
    }
    if (entry.length_bytes > kVhdxMaxMetadataItemBytes) {
      return invalid(fmt::format("item {} is {} bytes, more than the {} allowed", id,
                                 entry.length_bytes, kVhdxMaxMetadataItemBytes));
    }
    if (entry.length_bytes != 0 &&
        (entry.offset < kVhdxMetadataTableSize ||
         uint64_t{entry.offset} + entry.length_bytes > region_length_bytes)) {
      return invalid(
          fmt::format("item {} at offset {} ({} bytes) lies outside the metadata "
                      "region ({} bytes, items starting after its 64 KiB table)",
                      id, entry.offset, entry.length_bytes, region_length_bytes));
    }
    if (FindEntry(entries, entry.item_id) != nullptr) {
      return invalid(fmt::format("item {} is listed twice", id));
    }
    entries.push_back(entry);
  }
  return entries;
}

std::optional<std::string> VhdxParentLocator::Find(std::string_view key) const {
  for (const auto& [entry_key, value] : entries) {
    if (entry_key == key) return value;
  }
  return std::nullopt;
}

Result<VhdxParentLocator> ParseVhdxParentLocator(std::span<const uint8_t> item) {
  auto invalid = [](std::string detail) {
    return Error::InvalidParameter("parent locator: " + detail);
  };
  if (item.size() < kLocatorHeaderSize) {
    return invalid(fmt::format("item is {} bytes, smaller than its {}-byte header", item.size(),
                               kLocatorHeaderSize));
  }
  VhdxParentLocator locator;
  locator.locator_type = LoadGuidMixedEndian(item.data());
  if (locator.locator_type != VhdxParentLocatorTypeGuid()) {
    return invalid(fmt::format("type is {}, expected {}", locator.locator_type.ToString(),
                               VhdxParentLocatorTypeGuid().ToString()));
  }
  const uint16_t count = LoadLittleEndian16(item.data() + 18);
  if (kLocatorHeaderSize + size_t{count} * kLocatorEntrySize > item.size()) {
    return invalid(
        fmt::format("{} key/value entries do not fit in the {}-byte item", count, item.size()));
  }
  auto decode = [&](uint32_t offset, uint16_t length,
                    std::string_view what) -> Result<std::string> {
    if (offset > item.size() || length > item.size() - offset) {
      return invalid(fmt::format("{} at offset {} ({} bytes) lies outside the {}-byte item", what,
                                 offset, length, item.size()));
    }
    std::optional<std::string> text =
        Utf16ToUtf8(item.subspan(offset, length), Utf16Order::kLittleEndian);
    if (!text) return invalid(fmt::format("{} is not valid UTF-16LE", what));
    return *text;
  };
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t* raw = item.data() + kLocatorHeaderSize + i * kLocatorEntrySize;
    VSM_ASSIGN_OR_RETURN(
        std::string key,
        decode(LoadLittleEndian32(raw), LoadLittleEndian16(raw + 8), fmt::format("key {}", i)));
    VSM_ASSIGN_OR_RETURN(std::string value,
                         decode(LoadLittleEndian32(raw + 4), LoadLittleEndian16(raw + 10),
                                fmt::format("value of '{}'", key)));
    locator.entries.emplace_back(std::move(key), std::move(value));
  }
  if (!locator.Find("parent_linkage")) {
    return invalid("the required key 'parent_linkage' is missing");
  }
  return locator;
}

Result<VhdxMetadata> ReadVhdxMetadata(const DiskFile& file, const VhdxRegion& region) {
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> table_bytes,
      file.Read(region.file_offset, kVhdxMetadataTableSize, kVhdx, "metadata table"));
  Result<std::vector<VhdxMetadataEntry>> parsed =
      ParseVhdxMetadataTable(table_bytes, region.length_bytes);
  if (!parsed.ok()) return file.Invalid(kVhdx, parsed.error().message());
  const std::vector<VhdxMetadataEntry>& entries = *parsed;

  VhdxMetadata metadata;
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> parameters,
      ReadItem(file, region, entries, VhdxFileParametersGuid(), "file parameters", 8));
  metadata.block_size_bytes = LoadLittleEndian32(parameters.data());
  const uint32_t flags = LoadLittleEndian32(parameters.data() + 4);
  metadata.leave_block_allocated = (flags & 1) != 0;
  metadata.has_parent = (flags & 2) != 0;
  if (!std::has_single_bit(metadata.block_size_bytes) || metadata.block_size_bytes < (1u << 20) ||
      metadata.block_size_bytes > (256u << 20)) {
    return file.Invalid(kVhdx, fmt::format("metadata block size is {} bytes, expected a power "
                                           "of two from 1 MiB to 256 MiB",
                                           metadata.block_size_bytes));
  }

  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> logical,
      ReadItem(file, region, entries, VhdxLogicalSectorSizeGuid(), "logical sector size", 4));
  metadata.logical_sector_size_bytes = LoadLittleEndian32(logical.data());
  VSM_RETURN_IF_ERROR(
      CheckSectorSize(file, "logical sector size", metadata.logical_sector_size_bytes));
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> physical,
      ReadItem(file, region, entries, VhdxPhysicalSectorSizeGuid(), "physical sector size", 4));
  metadata.physical_sector_size_bytes = LoadLittleEndian32(physical.data());
  VSM_RETURN_IF_ERROR(
      CheckSectorSize(file, "physical sector size", metadata.physical_sector_size_bytes));

  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> size,
      ReadItem(file, region, entries, VhdxVirtualDiskSizeGuid(), "virtual disk size", 8));
  metadata.virtual_disk_size_bytes = LoadLittleEndian64(size.data());
  if (metadata.virtual_disk_size_bytes == 0 ||
      metadata.virtual_disk_size_bytes % metadata.logical_sector_size_bytes != 0 ||
      metadata.virtual_disk_size_bytes > kVhdxMaxVirtualSizeBytes) {
    return file.Invalid(
        kVhdx, fmt::format("metadata virtual disk size is {} bytes, expected a "
                           "non-zero multiple of the {}-byte logical sector of at "
                           "most 64 TiB",
                           metadata.virtual_disk_size_bytes, metadata.logical_sector_size_bytes));
  }

  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> id,
      ReadItem(file, region, entries, VhdxVirtualDiskIdGuid(), "virtual disk id", 16));
  metadata.virtual_disk_id = LoadGuidMixedEndian(id.data());

  if (metadata.has_parent) {
    VSM_ASSIGN_OR_RETURN(
        std::vector<uint8_t> locator_bytes,
        ReadItem(file, region, entries, VhdxParentLocatorGuid(), "parent locator", 0));
    Result<VhdxParentLocator> locator = ParseVhdxParentLocator(locator_bytes);
    if (!locator.ok()) return file.Invalid(kVhdx, locator.error().message());
    metadata.parent_locator = std::move(*locator);
  }
  return metadata;
}

}  // namespace vsm::disk
