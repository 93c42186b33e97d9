#include "disk/vhd_dynamic_header.h"

#include <fmt/format.h>

#include <bit>

#include "disk/byte_order.h"
#include "disk/disk_file.h"
#include "disk/signature.h"
#include "disk/utf16.h"
#include "disk/vhd_footer.h"

namespace vsm::disk {
namespace {

constexpr std::string_view kVhd = "VHD";
constexpr size_t kParentNameOffset = 64;
constexpr size_t kParentNameSize = 512;
constexpr size_t kParentLocatorsOffset = 576;
constexpr size_t kParentLocatorEntrySize = 24;

}  // namespace

uint64_t VhdLocatorSpaceBytes(const VhdParentLocator& locator) {
  if (locator.data_space < 512) return uint64_t{locator.data_space} * 512;
  if (locator.data_space % 512 == 0) return locator.data_space;
  return 0;
}

Result<VhdDynamicHeader> ParseVhdDynamicHeader(std::span<const uint8_t> bytes,
                                               const std::filesystem::path& path,
                                               uint64_t header_offset) {
  const uint8_t* p = bytes.data();
  if (!HasSignature(bytes, "cxsparse")) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("dynamic header cookie at offset {} is {}, expected "
                                        "'cxsparse'; the footer's data offset is wrong or the "
                                        "header is damaged",
                                        header_offset, DescribeSignature(bytes, 8)));
  }
  const uint32_t stored_checksum = LoadBigEndian32(p + kVhdDynamicHeaderChecksumOffset);
  const uint32_t computed_checksum = VhdChecksum(bytes, kVhdDynamicHeaderChecksumOffset);
  if (stored_checksum != computed_checksum) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("dynamic header checksum is {:#010x}, expected {:#010x}; "
                                        "the header at offset {} is damaged",
                                        stored_checksum, computed_checksum, header_offset));
  }
  const uint32_t version = LoadBigEndian32(p + 24);
  if (version >> 16 != 1) {
    return InvalidDiskError(
        path, kVhd,
        fmt::format("dynamic header version is {:#010x}, expected 0x00010000", version));
  }
  VhdDynamicHeader header;
  header.table_offset = LoadBigEndian64(p + 16);
  header.max_table_entries = LoadBigEndian32(p + 28);
  header.block_size_bytes = LoadBigEndian32(p + 32);
  if (!std::has_single_bit(header.block_size_bytes) || header.block_size_bytes < 512 ||
      header.block_size_bytes > kVhdMaxBlockSizeBytes) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("dynamic header block size is {} bytes, expected a power "
                                        "of two from 512 bytes to 256 MiB (usually 2 MiB)",
                                        header.block_size_bytes));
  }
  header.parent_unique_id = LoadGuidInStoredOrder(p + 40);
  header.parent_timestamp = LoadBigEndian32(p + 56);
  std::optional<std::string> parent_name =
      Utf16ToUtf8(bytes.subspan(kParentNameOffset, kParentNameSize), Utf16Order::kBigEndian);
  if (!parent_name) {
    return InvalidDiskError(path, kVhd,
                            "dynamic header parent name is not valid UTF-16BE (unpaired "
                            "surrogate)");
  }
  header.parent_name = std::move(*parent_name);
  for (size_t i = 0; i < header.parent_locators.size(); ++i) {
    const uint8_t* entry = p + kParentLocatorsOffset + i * kParentLocatorEntrySize;
    VhdParentLocator& locator = header.parent_locators[i];
    locator.platform_code = LoadBigEndian32(entry);
    locator.data_space = LoadBigEndian32(entry + 4);
    locator.data_length_bytes = LoadBigEndian32(entry + 8);
    locator.data_offset = LoadBigEndian64(entry + 16);
  }
  return header;
}

}  // namespace vsm::disk
