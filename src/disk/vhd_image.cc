#include "disk/vhd_image.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "disk/byte_order.h"
#include "disk/utf16.h"
#include "disk/vhd_dynamic_header.h"
#include "disk/vhd_footer.h"

namespace vsm::disk {
namespace {

constexpr std::string_view kVhd = "VHD";
constexpr uint32_t kUnallocatedBlock = 0xFFFFFFFF;
constexpr uint32_t kMaxLocatorBytes = 64 * 1024;
// How many BAT entries are read at once while checking them.
constexpr uint64_t kBatEntriesPerRead = 256 * 1024;

// Bytes of the sector bitmap before each data block: one bit per sector, padded to a sector.
uint64_t SectorBitmapBytes(uint32_t block_size_bytes) {
  const uint64_t bitmap_bytes = (block_size_bytes / 512 + 7) / 8;
  return (bitmap_bytes + 511) / 512 * 512;
}

Result<void> CheckBlockAllocationTable(const DiskFile& file, const VhdFooter& footer,
                                       const VhdDynamicHeader& header) {
  const uint64_t data_end = file.size_bytes() - kVhdFooterSize;
  const uint64_t bat_bytes = uint64_t{header.max_table_entries} * 4;
  if (header.table_offset > data_end || bat_bytes > data_end - header.table_offset) {
    return file.Invalid(
        kVhd, fmt::format("BAT at offset {} ({} entries, {} bytes) lies beyond "
                          "the end of the data ({} bytes before the footer); the "
                          "file is truncated or the dynamic header is damaged",
                          header.table_offset, header.max_table_entries, bat_bytes, data_end));
  }
  if (uint64_t{header.max_table_entries} * header.block_size_bytes < footer.current_size_bytes) {
    return file.Invalid(kVhd, fmt::format("BAT has {} entries of {}-byte blocks, fewer than the "
                                          "{} bytes of the virtual size need",
                                          header.max_table_entries, header.block_size_bytes,
                                          footer.current_size_bytes));
  }
  const uint64_t block_span_bytes =
      SectorBitmapBytes(header.block_size_bytes) + header.block_size_bytes;
  // Only the entries that map the virtual size can point at data.
  const uint64_t used_entries =
      (footer.current_size_bytes + header.block_size_bytes - 1) / header.block_size_bytes;
  for (uint64_t first = 0; first < used_entries; first += kBatEntriesPerRead) {
    const uint64_t count = std::min(kBatEntriesPerRead, used_entries - first);
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> entries,
                         file.Read(header.table_offset + first * 4, count * 4, kVhd, "BAT"));
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t sector = LoadBigEndian32(entries.data() + i * 4);
      if (sector == kUnallocatedBlock) continue;
      const uint64_t block_offset = uint64_t{sector} * 512;
      if (block_offset < kVhdFooterSize || block_offset > data_end ||
          block_span_bytes > data_end - block_offset) {
        return file.Invalid(kVhd, fmt::format("BAT entry {} points to a block at offset {} ({} "
                                              "bytes with its bitmap) outside the data ({} bytes "
                                              "before the footer); the file is truncated or the "
                                              "BAT is damaged",
                                              first + i, block_offset, block_span_bytes, data_end));
      }
    }
  }
  return Ok();
}

// The parent as the child names it: the relative locator (W2ru), else the absolute one (W2ku),
// else the Parent Unicode Name (a file name).
Result<std::string> ReadParentPathHint(const DiskFile& file, const VhdDynamicHeader& header) {
  for (uint32_t wanted : {kVhdLocatorW2ru, kVhdLocatorW2ku}) {
    for (size_t i = 0; i < header.parent_locators.size(); ++i) {
      const VhdParentLocator& locator = header.parent_locators[i];
      if (locator.platform_code != wanted || locator.data_length_bytes == 0) continue;
      const std::string what = fmt::format("parent locator {} data", i);
      if (locator.data_length_bytes > kMaxLocatorBytes) {
        return file.Invalid(kVhd, fmt::format("{} is {} bytes, more than the {} a path can take",
                                              what, locator.data_length_bytes, kMaxLocatorBytes));
      }
      VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> data,
                           file.Read(locator.data_offset, locator.data_length_bytes, kVhd, what));
      std::optional<std::string> path = Utf16ToUtf8(data, Utf16Order::kLittleEndian);
      if (!path) return file.Invalid(kVhd, what + " is not valid UTF-16LE");
      if (!path->empty()) return *path;
    }
  }
  if (header.parent_name.empty()) {
    return file.Invalid(kVhd,
                        "differencing disk names no parent (empty parent name and no "
                        "W2ru or W2ku parent locator)");
  }
  return header.parent_name;
}

}  // namespace

Result<DiskInfo> InspectVhd(const DiskFile& file) {
  if (file.size_bytes() < kVhdFooterSize) {
    return file.Invalid(kVhd, fmt::format("file is {} bytes, smaller than the 512-byte footer; "
                                          "the file is truncated",
                                          file.size_bytes()));
  }
  const uint64_t footer_offset = file.size_bytes() - kVhdFooterSize;
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> footer_bytes,
                       file.Read(footer_offset, kVhdFooterSize, kVhd, "footer"));
  VSM_ASSIGN_OR_RETURN(VhdFooter footer, ParseVhdFooter(footer_bytes, file.path(), footer_offset));

  DiskInfo info;
  info.virtual_size_bytes = footer.current_size_bytes;
  info.file_size_bytes = file.size_bytes();
  info.identifier = footer.unique_id;
  if (footer.disk_type == VhdDiskType::kFixed) {
    info.format = DiskFormat::kVhdFixed;
    if (footer_offset < footer.current_size_bytes) {
      return file.Invalid(kVhd, fmt::format("fixed disk holds {} bytes of data but its footer "
                                            "says the virtual size is {} bytes; the file is "
                                            "truncated",
                                            footer_offset, footer.current_size_bytes));
    }
    return info;
  }

  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> header_bytes,
      file.Read(footer.data_offset, kVhdDynamicHeaderSize, kVhd, "dynamic header"));
  VSM_ASSIGN_OR_RETURN(VhdDynamicHeader header,
                       ParseVhdDynamicHeader(header_bytes, file.path(), footer.data_offset));
  VSM_RETURN_IF_ERROR(CheckBlockAllocationTable(file, footer, header));
  if (footer.disk_type == VhdDiskType::kDynamic) {
    info.format = DiskFormat::kVhdDynamic;
    return info;
  }
  info.format = DiskFormat::kVhdDifferencing;
  info.has_parent = true;
  VSM_ASSIGN_OR_RETURN(info.parent_path_hint, ReadParentPathHint(file, header));
  return info;
}

}  // namespace vsm::disk
