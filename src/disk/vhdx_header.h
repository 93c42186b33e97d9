// The VHDX header: two 4 KiB copies at 64 KiB and 128 KiB, each with a CRC-32C; the valid copy
// with the higher sequence number is current. Little-endian. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::disk {

inline constexpr uint64_t kVhdxHeader1Offset = 64 * 1024;
inline constexpr uint64_t kVhdxHeader2Offset = 128 * 1024;
inline constexpr size_t kVhdxHeaderSize = 4 * 1024;
inline constexpr size_t kVhdxHeaderChecksumOffset = 4;

struct VhdxHeader {
  uint64_t sequence_number = 0;
  Guid file_write_guid;
  Guid data_write_guid;
  Guid log_guid;  // non-null: the log holds entries that must be replayed first
  uint16_t log_version = 0;
  uint16_t version = 0;
  uint32_t log_length_bytes = 0;
  uint64_t log_offset = 0;
};

// Parses and checks one header copy: signature "head", CRC-32C, version 1. Errors name the copy
// only ("header 1 at offset 65536: checksum is 0x..., expected 0x..."); SelectVhdxHeader turns
// them into a message about the file.
// REQUIRES: bytes.size() == kVhdxHeaderSize
Result<VhdxHeader> ParseVhdxHeader(std::span<const uint8_t> bytes, uint64_t header_offset);

// The current header: the valid copy with the higher sequence number. If neither copy is valid:
// kInvalidParameter "'<path>' is not a valid VHDX: both headers are damaged (<first>; <second>)".
// If the current header's LogGuid is set: kInvalidParameter "'<path>' needs log replay; ...".
Result<VhdxHeader> SelectVhdxHeader(const Result<VhdxHeader>& first,
                                    const Result<VhdxHeader>& second,
                                    const std::filesystem::path& path);

}  // namespace vsm::disk
