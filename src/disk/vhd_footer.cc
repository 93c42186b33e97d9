#include "disk/vhd_footer.h"

#include <fmt/format.h>

#include "disk/byte_order.h"
#include "disk/disk_file.h"
#include "disk/signature.h"

namespace vsm::disk {
namespace {

constexpr std::string_view kVhd = "VHD";

}  // namespace

uint32_t VhdChecksum(std::span<const uint8_t> bytes, size_t checksum_offset) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i >= checksum_offset && i < checksum_offset + 4) continue;
    sum += bytes[i];
  }
  return ~sum;
}

Result<VhdFooter> ParseVhdFooter(std::span<const uint8_t> bytes, const std::filesystem::path& path,
                                 uint64_t footer_offset) {
  const uint8_t* p = bytes.data();
  if (!HasSignature(bytes, "conectix")) {
    return InvalidDiskError(
        path, kVhd,
        fmt::format("footer cookie at offset {} is {}, expected 'conectix'; the file is truncated "
                    "or is not a VHD",
                    footer_offset, DescribeSignature(bytes, 8)));
  }
  const uint32_t stored_checksum = LoadBigEndian32(p + kVhdFooterChecksumOffset);
  const uint32_t computed_checksum = VhdChecksum(bytes, kVhdFooterChecksumOffset);
  if (stored_checksum != computed_checksum) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("footer checksum is {:#010x}, expected {:#010x}; the "
                                        "footer at offset {} is damaged",
                                        stored_checksum, computed_checksum, footer_offset));
  }
  const uint32_t version = LoadBigEndian32(p + 12);
  if (version >> 16 != 1) {
    return InvalidDiskError(
        path, kVhd,
        fmt::format("footer file format version is {:#010x}, expected 0x00010000", version));
  }
  VhdFooter footer;
  footer.data_offset = LoadBigEndian64(p + 16);
  footer.current_size_bytes = LoadBigEndian64(p + 48);
  const uint32_t disk_type = LoadBigEndian32(p + 60);
  if (disk_type < 2 || disk_type > 4) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("footer disk type is {}, expected 2 (fixed), 3 (dynamic) "
                                        "or 4 (differencing)",
                                        disk_type));
  }
  footer.disk_type = static_cast<VhdDiskType>(disk_type);
  if (footer.current_size_bytes % 512 != 0) {
    return InvalidDiskError(
        path, kVhd,
        fmt::format("footer current size is {} bytes, not a multiple of the 512-byte sector",
                    footer.current_size_bytes));
  }
  if (footer.current_size_bytes > kVhdMaxVirtualSizeBytes) {
    return InvalidDiskError(path, kVhd,
                            fmt::format("footer current size is {} bytes, more than the {} bytes "
                                        "(2 TiB) a VHD can address",
                                        footer.current_size_bytes, kVhdMaxVirtualSizeBytes));
  }
  footer.unique_id = LoadGuidInStoredOrder(p + 68);
  return footer;
}

}  // namespace vsm::disk
