// Loads of fixed-width integers and GUIDs from on-disk bytes: VHD is big-endian, VHDX is
// little-endian and stores GUIDs as Windows does (first three fields little-endian).
// Header-only; pure functions.
#pragma once

#include <array>
#include <cstdint>

#include "core/guid.h"

namespace vsm::disk {

inline uint16_t LoadBigEndian16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline uint32_t LoadBigEndian32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
inline uint64_t LoadBigEndian64(const uint8_t* p) {
  return uint64_t{LoadBigEndian32(p)} << 32 | LoadBigEndian32(p + 4);
}

inline uint16_t LoadLittleEndian16(const uint8_t* p) {
  return static_cast<uint16_t>(p[1] << 8 | p[0]);
}
inline uint32_t LoadLittleEndian32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | uint32_t{p[0]};
}
inline uint64_t LoadLittleEndian64(const uint8_t* p) {
  return uint64_t{LoadLittleEndian32(p + 4)} << 32 | LoadLittleEndian32(p);
}

inline void StoreBigEndian32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}
inline void StoreLittleEndian32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value);
  p[1] = static_cast<uint8_t>(value >> 8);
  p[2] = static_cast<uint8_t>(value >> 16);
  p[3] = static_cast<uint8_t>(value >> 24);
}

// A GUID in the byte order of the 16 bytes as stored (RFC 4122 order); VHD's unique ids.
inline Guid LoadGuidInStoredOrder(const uint8_t* p) {
  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 16; ++i) bytes[i] = p[i];
  return Guid(bytes);
}

// A GUID stored as Windows stores a GUID struct: Data1 (4 bytes), Data2 and Data3 (2 bytes each)
// little-endian, Data4 (8 bytes) as is. VHDX stores every GUID this way, so the BAT region GUID
// 2DC27766-F623-4200-9D64-115E9BFD4A08 is on disk as 66 77 C2 2D 23 F6 00 42 9D 64 ...
inline Guid LoadGuidMixedEndian(const uint8_t* p) {
  std::array<uint8_t, 16> bytes = {p[3], p[2], p[1],  p[0],  p[5],  p[4],  p[7],  p[6],
                                   p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]};
  return Guid(bytes);
}

// The inverse of LoadGuidMixedEndian (used to build VHDX structures in tests).
inline void StoreGuidMixedEndian(uint8_t* p, const Guid& guid) {
  const std::array<uint8_t, 16>& b = guid.bytes();
  const std::array<uint8_t, 16> stored = {b[3], b[2], b[1],  b[0],  b[5],  b[4],  b[7],  b[6],
                                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
  for (int i = 0; i < 16; ++i) p[i] = stored[i];
}

}  // namespace vsm::disk
