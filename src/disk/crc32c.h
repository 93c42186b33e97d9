// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of VHDX headers and
// region tables. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vsm::disk {

// CRC-32C of `bytes` (initial value ~0, final xor ~0): Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(std::span<const uint8_t> bytes);

// CRC-32C of `bytes` as if the 4 bytes at `checksum_offset` were zero, which is how VHDX
// defines the checksum of a structure that holds its own checksum.
// REQUIRES: checksum_offset + 4 <= bytes.size()
uint32_t Crc32cWithZeroedField(std::span<const uint8_t> bytes, size_t checksum_offset);

}  // namespace vsm::disk
