// UTF-16 to UTF-8 for the names disks store: VHD parent names are UTF-16BE, VHD parent locator
// data and VHDX parent locator keys and values are UTF-16LE. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace vsm::disk {

enum class Utf16Order { kBigEndian, kLittleEndian };

// Decodes `bytes` up to the first U+0000 or the end (an odd trailing byte is ignored).
// nullopt if it holds an unpaired surrogate.
std::optional<std::string> Utf16ToUtf8(std::span<const uint8_t> bytes, Utf16Order order);

}  // namespace vsm::disk
