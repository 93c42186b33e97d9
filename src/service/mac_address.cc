#include "service/mac_address.h"

#include <cctype>

#include "core/guid.h"

namespace vsm::service {

std::string GenerateDynamicMacAddress() {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // A random Guid is a convenient source of OS randomness.
  const auto& random = Guid::Generate().bytes();
  std::string mac = "00155D";
  for (int i = 0; i < 3; ++i) {
    mac.push_back(kHex[random[i] >> 4]);
    mac.push_back(kHex[random[i] & 0x0F]);
  }
  return mac;
}

std::optional<std::string> NormalizeMacAddress(std::string_view text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ':' || c == '-') {
      // Separators only between byte pairs.
      if (digits.size() % 2 != 0 || digits.empty()) return std::nullopt;
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (digits.size() != 12) return std::nullopt;
  int first_byte = std::stoi(digits.substr(0, 2), nullptr, 16);
  if (first_byte & 0x01) return std::nullopt;  // multicast
  if (digits == "000000000000") return std::nullopt;
  return digits;
}

}  // namespace vsm::service
