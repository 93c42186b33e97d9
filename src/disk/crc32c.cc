#include "disk/crc32c.h"

#include <array>

namespace vsm::disk {
namespace {

constexpr std::array<uint32_t, 256> MakeCrc32cTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0u);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrc32cTable = MakeCrc32cTable();

uint32_t Crc32cUpdate(uint32_t crc, std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) crc = (crc >> 8) ^ kCrc32cTable[(crc ^ b) & 0xFF];
  return crc;
}

}  // namespace

uint32_t Crc32c(std::span<const uint8_t> bytes) { return ~Crc32cUpdate(~0u, bytes); }

uint32_t Crc32cWithZeroedField(std::span<const uint8_t> bytes, size_t checksum_offset) {
  static constexpr uint8_t kZeros[4] = {0, 0, 0, 0};
  uint32_t crc = ~0u;
  crc = Crc32cUpdate(crc, bytes.first(checksum_offset));
  crc = Crc32cUpdate(crc, kZeros);
  crc = Crc32cUpdate(crc, bytes.subspan(checksum_offset + 4));
  return ~crc;
}

}  // namespace vsm::disk
