// The VHD footer: the 512 big-endian bytes at the end of every VHD (and, for dynamic and
// differencing disks, copied at offset 0) that name the disk's type, size and unique id.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::disk {

inline constexpr size_t kVhdFooterSize = 512;
inline constexpr size_t kVhdFooterChecksumOffset = 64;
// The BAT holds 32-bit sector numbers, so no VHD addresses more than 2 TiB.
inline constexpr uint64_t kVhdMaxVirtualSizeBytes = 2ull << 40;

enum class VhdDiskType : uint32_t { kFixed = 2, kDynamic = 3, kDifferencing = 4 };

struct VhdFooter {
  uint64_t data_offset = 0;  // the dynamic header's offset; all ones for fixed disks
  uint64_t current_size_bytes = 0;
  VhdDiskType disk_type = VhdDiskType::kFixed;
  Guid unique_id;  // the 16 bytes as stored (VHD is big-endian throughout)
};

// One's complement of the sum of all bytes of `bytes`, the checksum field (4 bytes at
// `checksum_offset`) counted as zero: the checksum of the VHD footer and dynamic header.
uint32_t VhdChecksum(std::span<const uint8_t> bytes, size_t checksum_offset);

// Parses and checks the footer read at `footer_offset` of `path`: cookie "conectix", file
// format version 1.x, checksum, disk type 2/3/4, a current size that is a multiple of 512 and at
// most 2 TiB. Errors: kInvalidParameter "'<path>' is not a valid VHD: footer <field> ...".
// REQUIRES: bytes.size() == kVhdFooterSize
Result<VhdFooter> ParseVhdFooter(std::span<const uint8_t> bytes, const std::filesystem::path& path,
                                 uint64_t footer_offset);

}  // namespace vsm::disk
