#include "disk/vhdx_header.h"

#include <fmt/format.h>

#include "disk/byte_order.h"
#include "disk/crc32c.h"
#include "disk/disk_file.h"
#include "disk/signature.h"

namespace vsm::disk {

Result<VhdxHeader> ParseVhdxHeader(std::span<const uint8_t> bytes, uint64_t header_offset) {
  const int copy = header_offset == kVhdxHeader1Offset ? 1 : 2;
  const uint8_t* p = bytes.data();
  if (!HasSignature(bytes, "head")) {
    return Error::InvalidParameter(
        fmt::format("header {} at offset {}: signature is {}, "
                    "expected 'head'",
                    copy, header_offset, DescribeSignature(bytes, 4)));
  }
  const uint32_t stored_checksum = LoadLittleEndian32(p + kVhdxHeaderChecksumOffset);
  const uint32_t computed_checksum = Crc32cWithZeroedField(bytes, kVhdxHeaderChecksumOffset);
  if (stored_checksum != computed_checksum) {
    return Error::InvalidParameter(
        fmt::format("header {} at offset {}: checksum is {:#010x}, "
                    "expected {:#010x}",
                    copy, header_offset, stored_checksum, computed_checksum));
  }
  VhdxHeader header;
  header.sequence_number = LoadLittleEndian64(p + 8);
  header.file_write_guid = LoadGuidMixedEndian(p + 16);
  header.data_write_guid = LoadGuidMixedEndian(p + 32);
  header.log_guid = LoadGuidMixedEndian(p + 48);
  header.log_version = LoadLittleEndian16(p + 64);
  header.version = LoadLittleEndian16(p + 66);
  header.log_length_bytes = LoadLittleEndian32(p + 68);
  header.log_offset = LoadLittleEndian64(p + 72);
  if (header.version != 1) {
    return Error::InvalidParameter(fmt::format("header {} at offset {}: version is {}, expected 1",
                                               copy, header_offset, header.version));
  }
  return header;
}

Result<VhdxHeader> SelectVhdxHeader(const Result<VhdxHeader>& first,
                                    const Result<VhdxHeader>& second,
                                    const std::filesystem::path& path) {
  if (!first.ok() && !second.ok()) {
    return InvalidDiskError(path, "VHDX",
                            fmt::format("both headers are damaged ({}; {})",
                                        first.error().message(), second.error().message()));
  }
  const VhdxHeader& current =
      !second.ok() || (first.ok() && first->sequence_number >= second->sequence_number) ? *first
                                                                                        : *second;
  if (!current.log_guid.IsNull()) {
    return Error::InvalidParameter(fmt::format(
        "'{}' needs log replay (its header's LogGuid is {}); open it once in Hyper-V or run "
        "qemu-img check -r all",
        path.string(), current.log_guid.ToString()));
  }
  return current;
}

}  // namespace vsm::disk
