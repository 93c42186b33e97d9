// The ASCII signatures ("cookies") that open disk structures: "conectix", "cxsparse",
// "vhdxfile", "head", "regi", "metadata". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vsm::disk {

// True if `bytes` begins with `signature`.
bool HasSignature(std::span<const uint8_t> bytes, std::string_view signature);

// The first `length` bytes of `bytes` for an error message: 'text' when they are printable
// ASCII, else hex (0x0000...).
std::string DescribeSignature(std::span<const uint8_t> bytes, size_t length);

}  // namespace vsm::disk
