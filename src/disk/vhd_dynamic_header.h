// The VHD dynamic disk header ("cxsparse", 1024 big-endian bytes at the footer's data offset) of
// dynamic and differencing VHDs: where the BAT is, the block size, and the parent of a
// differencing disk. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::disk {

inline constexpr size_t kVhdDynamicHeaderSize = 1024;
inline constexpr size_t kVhdDynamicHeaderChecksumOffset = 36;
inline constexpr uint32_t kVhdMaxBlockSizeBytes = 256u << 20;
// Parent locator platform codes.
inline constexpr uint32_t kVhdLocatorW2ru = 0x57327275;  // relative Windows path, UTF-16LE
inline constexpr uint32_t kVhdLocatorW2ku = 0x57326B75;  // absolute Windows path, UTF-16LE

struct VhdParentLocator {
  uint32_t platform_code = 0;  // 0: unused
  // Platform Data Space as stored: the spec says 512-byte sectors, but some writers store
  // bytes (see VhdLocatorSpaceBytes).
  uint32_t data_space = 0;
  uint32_t data_length_bytes = 0;
  uint64_t data_offset = 0;
};

struct VhdDynamicHeader {
  uint64_t table_offset = 0;  // the BAT
  uint32_t max_table_entries = 0;
  uint32_t block_size_bytes = 0;
  Guid parent_unique_id;
  uint32_t parent_timestamp = 0;  // the parent footer's time stamp when the child was made
  std::string parent_name;  // UTF-8 from the UTF-16BE Parent Unicode Name
  std::array<VhdParentLocator, 8> parent_locators;
};

// The bytes reserved for a locator's data, read as Xen's blktap reads Platform Data Space: a
// value below 512 counts sectors (as the spec says), a larger multiple of 512 counts bytes (as
// some Microsoft writers store it); anything else reserves nothing (0).
uint64_t VhdLocatorSpaceBytes(const VhdParentLocator& locator);

// Parses and checks the header read at `header_offset` of `path`: cookie "cxsparse", version
// 1.x, checksum, a block size that is a power of two from 512 bytes to 256 MiB, a parent name
// that is valid UTF-16. Errors: kInvalidParameter "'<path>' is not a valid VHD: dynamic header
// <field> ...".
// REQUIRES: bytes.size() == kVhdDynamicHeaderSize
Result<VhdDynamicHeader> ParseVhdDynamicHeader(std::span<const uint8_t> bytes,
                                               const std::filesystem::path& path,
                                               uint64_t header_offset);

}  // namespace vsm::disk
