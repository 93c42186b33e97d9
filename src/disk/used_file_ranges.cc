#include "disk/used_file_ranges.h"

#include <algorithm>

#include "disk/disk_file.h"
#include "disk/signature.h"
#include "disk/vhdx_image.h"

namespace vsm::disk {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// Sorts `ranges`, merges those that touch or overlap, and clips them to `size_bytes`.
std::vector<DataExtent> Normalize(std::vector<DataExtent> ranges, uint64_t size_bytes) {
  std::sort(ranges.begin(), ranges.end(),
            [](const DataExtent& a, const DataExtent& b) { return a.offset < b.offset; });
  std::vector<DataExtent> merged;
  for (DataExtent range : ranges) {
    if (range.offset >= size_bytes || range.length == 0) continue;
    range.length = std::min(range.length, size_bytes - range.offset);
    if (!merged.empty() && range.offset <= merged.back().offset + merged.back().length) {
      DataExtent& last = merged.back();
      last.length = std::max(last.offset + last.length, range.offset + range.length) - last.offset;
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

}  // namespace

Result<std::optional<std::vector<DataExtent>>> UsedFileRanges(const std::filesystem::path& path) {
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(path));
  if (file.size_bytes() < 8) return std::optional<std::vector<DataExtent>>();
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> identifier,
                       file.Read(0, 8, "VHDX", "file type identifier"));
  if (!HasSignature(identifier, "vhdxfile")) return std::optional<std::vector<DataExtent>>();
  VSM_ASSIGN_OR_RETURN(VhdxFileLayout layout, ReadVhdxLayout(file, /*keep_bat=*/true));
  // A region we do not know may hold anything: such a file is copied whole.
  if (layout.region_count != 2) return std::optional<std::vector<DataExtent>>();

  std::vector<DataExtent> used = {
      {0, kMiB},  // file type identifier, both headers, both region tables
      {layout.header.log_offset, layout.header.log_length_bytes},
      {layout.bat_region.file_offset, layout.bat_region.length_bytes},
      {layout.metadata_region.file_offset, layout.metadata_region.length_bytes},
  };
  const VhdxBatLayout& bat = layout.bat_layout;
  auto add_block = [&](uint64_t entry, uint64_t length) {
    used.push_back({(entry >> 20) * kMiB, length});
  };
  for (uint64_t block = 0; block < bat.data_blocks; ++block) {
    const uint64_t entry = layout.bat[bat.PayloadIndex(block)];
    const uint64_t state = entry & 7;
    if (state == kVhdxPayloadBlockFullyPresent || state == kVhdxPayloadBlockPartiallyPresent) {
      add_block(entry, bat.block_size_bytes);
    }
  }
  if (bat.has_parent) {
    // Each chunk of chunk_ratio payload blocks has one sector bitmap block (1 MiB).
    for (uint64_t block = 0; block < bat.data_blocks; block += bat.chunk_ratio) {
      const uint64_t index = bat.BitmapIndex(block);
      if (index >= layout.bat.size()) break;
      const uint64_t entry = layout.bat[index];
      if ((entry & 7) == kVhdxSectorBitmapBlockPresent) add_block(entry, kMiB);
    }
  }
  return std::optional<std::vector<DataExtent>>(Normalize(std::move(used), file.size_bytes()));
}

std::vector<DataExtent> IntersectExtents(const std::vector<DataExtent>& extents,
                                         const std::vector<DataExtent>& ranges) {
  std::vector<DataExtent> inside;
  size_t r = 0;
  for (const DataExtent& extent : extents) {
    const uint64_t extent_end = extent.offset + extent.length;
    while (r < ranges.size() && ranges[r].offset + ranges[r].length <= extent.offset) ++r;
    for (size_t k = r; k < ranges.size() && ranges[k].offset < extent_end; ++k) {
      const uint64_t begin = std::max(extent.offset, ranges[k].offset);
      const uint64_t end = std::min(extent_end, ranges[k].offset + ranges[k].length);
      if (end > begin) inside.push_back({begin, end - begin});
    }
  }
  return inside;
}

}  // namespace vsm::disk
