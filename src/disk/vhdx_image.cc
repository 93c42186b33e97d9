#include "disk/vhdx_image.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "disk/byte_order.h"
#include "disk/signature.h"
#include "disk/vhdx_header.h"
#include "disk/vhdx_metadata.h"
#include "disk/vhdx_region_table.h"

namespace vsm::disk {
namespace {

constexpr std::string_view kVhdx = "VHDX";
constexpr uint64_t kOneMiB = 1 << 20;
constexpr uint64_t kHeaderSectionBytes = kOneMiB;
// How many BAT entries are read at once while checking them.
constexpr uint64_t kBatEntriesPerRead = 128 * 1024;

constexpr uint64_t kPayloadBlockNotPresent = kVhdxPayloadBlockNotPresent;
constexpr uint64_t kPayloadBlockUndefined = kVhdxPayloadBlockUndefined;
constexpr uint64_t kPayloadBlockZero = kVhdxPayloadBlockZero;
constexpr uint64_t kPayloadBlockUnmapped = kVhdxPayloadBlockUnmapped;
constexpr uint64_t kPayloadBlockFullyPresent = kVhdxPayloadBlockFullyPresent;
constexpr uint64_t kPayloadBlockPartiallyPresent = kVhdxPayloadBlockPartiallyPresent;
constexpr uint64_t kSectorBitmapBlockNotPresent = kVhdxSectorBitmapBlockNotPresent;
constexpr uint64_t kSectorBitmapBlockPresent = kVhdxSectorBitmapBlockPresent;

// The current header and where it lies (the copy SelectVhdxHeader picks).
Result<std::pair<VhdxHeader, uint64_t>> ReadCurrentHeader(const DiskFile& file) {
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> first_bytes,
                       file.Read(kVhdxHeader1Offset, kVhdxHeaderSize, kVhdx, "header 1"));
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> second_bytes,
                       file.Read(kVhdxHeader2Offset, kVhdxHeaderSize, kVhdx, "header 2"));
  Result<VhdxHeader> first = ParseVhdxHeader(first_bytes, kVhdxHeader1Offset);
  Result<VhdxHeader> second = ParseVhdxHeader(second_bytes, kVhdxHeader2Offset);
  VSM_ASSIGN_OR_RETURN(VhdxHeader current, SelectVhdxHeader(first, second, file.path()));
  const bool first_is_current =
      first.ok() && (!second.ok() || first->sequence_number >= second->sequence_number);
  return std::make_pair(current, first_is_current ? kVhdxHeader1Offset : kVhdxHeader2Offset);
}

// The first valid copy of the region table.
Result<VhdxRegionTable> ReadRegionTable(const DiskFile& file) {
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> first_bytes,
      file.Read(kVhdxRegionTable1Offset, kVhdxRegionTableSize, kVhdx, "region table 1"));
  Result<VhdxRegionTable> first = ParseVhdxRegionTable(first_bytes, kVhdxRegionTable1Offset);
  if (first.ok()) return first;
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> second_bytes,
      file.Read(kVhdxRegionTable2Offset, kVhdxRegionTableSize, kVhdx, "region table 2"));
  Result<VhdxRegionTable> second = ParseVhdxRegionTable(second_bytes, kVhdxRegionTable2Offset);
  if (second.ok()) return second;
  return file.Invalid(kVhdx, fmt::format("both region tables are damaged ({}; {})",
                                         first.error().message(), second.error().message()));
}

Result<void> CheckInsideFile(const DiskFile& file, std::string_view what, uint64_t offset,
                             uint64_t length) {
  if (offset <= file.size_bytes() && length <= file.size_bytes() - offset) return Ok();
  return file.Invalid(kVhdx, fmt::format("{} at offset {} ({} bytes) lies beyond the end of the "
                                         "file ({} bytes); the file is truncated or damaged",
                                         what, offset, length, file.size_bytes()));
}

Result<void> CheckRegions(const DiskFile& file, const VhdxHeader& header, const VhdxRegion& bat,
                          const VhdxRegion& metadata) {
  if (header.log_length_bytes != 0) {
    if (header.log_offset < kHeaderSectionBytes || header.log_offset % kOneMiB != 0 ||
        header.log_length_bytes % kOneMiB != 0) {
      return file.Invalid(kVhdx, fmt::format("header log offset {} and length {} are not "
                                             "multiples of 1 MiB past the first 1 MiB",
                                             header.log_offset, header.log_length_bytes));
    }
    VSM_RETURN_IF_ERROR(CheckInsideFile(file, "log", header.log_offset, header.log_length_bytes));
  }
  VSM_RETURN_IF_ERROR(CheckInsideFile(file, "BAT region", bat.file_offset, bat.length_bytes));
  VSM_RETURN_IF_ERROR(
      CheckInsideFile(file, "metadata region", metadata.file_offset, metadata.length_bytes));
  if (bat.file_offset < metadata.file_offset + metadata.length_bytes &&
      metadata.file_offset < bat.file_offset + bat.length_bytes) {
    return file.Invalid(kVhdx, fmt::format("BAT region at offset {} ({} bytes) overlaps the "
                                           "metadata region at offset {} ({} bytes)",
                                           bat.file_offset, bat.length_bytes, metadata.file_offset,
                                           metadata.length_bytes));
  }
  return Ok();
}

using BatLayout = VhdxBatLayout;

// Checks one BAT entry: a state the entry's kind allows, and a present block inside the file.
Result<void> CheckBatEntry(const DiskFile& file, const BatLayout& layout, uint64_t index,
                           uint64_t entry) {
  const uint64_t state = entry & 7;
  const uint64_t offset = (entry >> 20) * kOneMiB;
  uint64_t length = 0;
  const bool is_bitmap = index % (layout.chunk_ratio + 1) == layout.chunk_ratio;
  if (is_bitmap) {
    if (state == kSectorBitmapBlockPresent) {
      length = kOneMiB;
    } else if (state != kSectorBitmapBlockNotPresent) {
      return file.Invalid(kVhdx, fmt::format("BAT entry {} (a sector bitmap block) has state {}, "
                                             "expected 0 or 6",
                                             index, state));
    }
  } else if (state == kPayloadBlockFullyPresent ||
             (state == kPayloadBlockPartiallyPresent && layout.has_parent)) {
    // The last block may be cut short by the end of the virtual disk.
    const uint64_t block_start =
        (index - index / (layout.chunk_ratio + 1)) * layout.block_size_bytes;
    length = std::min(
        layout.block_size_bytes,
        layout.virtual_disk_size_bytes - std::min(layout.virtual_disk_size_bytes, block_start));
  } else if (state != kPayloadBlockNotPresent && state != kPayloadBlockUndefined &&
             state != kPayloadBlockZero && state != kPayloadBlockUnmapped) {
    return file.Invalid(kVhdx, fmt::format("BAT entry {} has state {}, expected 0, 1, 2, 3 or 6{}",
                                           index, state, layout.has_parent ? " or 7" : ""));
  }
  if (length == 0) return Ok();
  if (offset < kHeaderSectionBytes || offset > file.size_bytes() ||
      length > file.size_bytes() - offset) {
    return file.Invalid(kVhdx, fmt::format("BAT entry {}{} points to a block at offset {} ({} "
                                           "bytes) outside the file ({} bytes); the file is "
                                           "truncated or the BAT is damaged",
                                           index, is_bitmap ? " (a sector bitmap block)" : "",
                                           offset, length, file.size_bytes()));
  }
  return Ok();
}

// Checks that the BAT can describe the whole virtual size and every entry it needs for that;
// appends the entries to `kept` if it is not null.
Result<void> CheckBlockAllocationTable(const DiskFile& file, const VhdxRegion& bat,
                                       const VhdxMetadata& metadata, std::vector<uint64_t>* kept) {
  const BatLayout layout = ComputeVhdxBatLayout(metadata);
  if (kept != nullptr) kept->reserve(layout.entry_count);
  if (layout.entry_count * 8 > bat.length_bytes) {
    return file.Invalid(
        kVhdx, fmt::format("BAT region is {} bytes, too small for the {} entries "
                           "a {}-byte disk with {}-byte blocks needs",
                           bat.length_bytes, layout.entry_count, metadata.virtual_disk_size_bytes,
                           layout.block_size_bytes));
  }
  for (uint64_t first = 0; first < layout.entry_count; first += kBatEntriesPerRead) {
    const uint64_t count = std::min(kBatEntriesPerRead, layout.entry_count - first);
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> entries,
                         file.Read(bat.file_offset + first * 8, count * 8, kVhdx, "BAT"));
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t entry = LoadLittleEndian64(entries.data() + i * 8);
      VSM_RETURN_IF_ERROR(CheckBatEntry(file, layout, first + i, entry));
      if (kept != nullptr) kept->push_back(entry);
    }
  }
  return Ok();
}

Result<std::string> ParentPathHint(const DiskFile& file, const VhdxParentLocator& locator) {
  for (std::string_view key : {"relative_path", "absolute_win32_path", "volume_path"}) {
    std::optional<std::string> value = locator.Find(key);
    if (value && !value->empty()) return *value;
  }
  return file.Invalid(kVhdx,
                      "parent locator has no relative_path, absolute_win32_path or "
                      "volume_path; the differencing disk does not say where its parent is");
}

}  // namespace

VhdxBatLayout ComputeVhdxBatLayout(const VhdxMetadata& metadata) {
  VhdxBatLayout layout;
  layout.block_size_bytes = metadata.block_size_bytes;
  layout.chunk_ratio =
      (uint64_t{1} << 23) * metadata.logical_sector_size_bytes / metadata.block_size_bytes;
  layout.data_blocks =
      (metadata.virtual_disk_size_bytes + layout.block_size_bytes - 1) / layout.block_size_bytes;
  layout.entry_count = metadata.has_parent
                           ? (layout.data_blocks + layout.chunk_ratio - 1) / layout.chunk_ratio *
                                 (layout.chunk_ratio + 1)
                           : layout.data_blocks + (layout.data_blocks - 1) / layout.chunk_ratio;
  layout.virtual_disk_size_bytes = metadata.virtual_disk_size_bytes;
  layout.has_parent = metadata.has_parent;
  return layout;
}

Result<DiskInfo> InspectVhdx(const DiskFile& file) {
  VSM_ASSIGN_OR_RETURN(VhdxFileLayout layout, ReadVhdxLayout(file, /*keep_bat=*/false));
  return layout.info;
}

Result<VhdxFileLayout> ReadVhdxLayout(const DiskFile& file, bool keep_bat) {
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> identifier,
                       file.Read(0, 8, kVhdx, "file type identifier"));
  if (!HasSignature(identifier, "vhdxfile")) {
    return file.Invalid(kVhdx, fmt::format("signature at offset 0 is {}, expected 'vhdxfile'",
                                           DescribeSignature(identifier, 8)));
  }
  if (file.size_bytes() < kHeaderSectionBytes) {
    return file.Invalid(kVhdx, fmt::format("file is {} bytes, smaller than the 1 MiB header "
                                           "section; the file is truncated",
                                           file.size_bytes()));
  }
  VhdxFileLayout layout;
  VSM_ASSIGN_OR_RETURN(std::tie(layout.header, layout.header_offset), ReadCurrentHeader(file));
  const VhdxHeader& header = layout.header;
  VSM_ASSIGN_OR_RETURN(VhdxRegionTable regions, ReadRegionTable(file));
  const VhdxRegion bat = *regions.Find(VhdxBatRegionGuid());
  const VhdxRegion metadata_region = *regions.Find(VhdxMetadataRegionGuid());
  VSM_RETURN_IF_ERROR(CheckRegions(file, header, bat, metadata_region));
  VSM_ASSIGN_OR_RETURN(VhdxMetadata metadata, ReadVhdxMetadata(file, metadata_region));
  VSM_RETURN_IF_ERROR(
      CheckBlockAllocationTable(file, bat, metadata, keep_bat ? &layout.bat : nullptr));

  DiskInfo& info = layout.info;
  info.virtual_size_bytes = metadata.virtual_disk_size_bytes;
  info.file_size_bytes = file.size_bytes();
  info.identifier = metadata.virtual_disk_id;
  if (metadata.has_parent) {
    info.format = DiskFormat::kVhdxDifferencing;
    info.has_parent = true;
    VSM_ASSIGN_OR_RETURN(info.parent_path_hint, ParentPathHint(file, *metadata.parent_locator));
  } else if (metadata.leave_block_allocated) {
    info.format = DiskFormat::kVhdxFixed;
  } else {
    info.format = DiskFormat::kVhdxDynamic;
  }
  layout.bat_region = bat;
  layout.metadata_region = metadata_region;
  layout.region_count = regions.entries.size();
  layout.bat_layout = ComputeVhdxBatLayout(metadata);
  layout.metadata = std::move(metadata);
  return layout;
}

}  // namespace vsm::disk
