#include "disk/signature.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace vsm::disk {

bool HasSignature(std::span<const uint8_t> bytes, std::string_view signature) {
  return bytes.size() >= signature.size() &&
         std::memcmp(bytes.data(), signature.data(), signature.size()) == 0;
}

std::string DescribeSignature(std::span<const uint8_t> bytes, size_t length) {
  bytes = bytes.first(std::min(length, bytes.size()));
  bool printable =
      std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b >= 0x20 && b < 0x7F; });
  if (printable) return fmt::format("'{}'", std::string(bytes.begin(), bytes.end()));
  std::string hex = "0x";
  for (uint8_t b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

}  // namespace vsm::disk
