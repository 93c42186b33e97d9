// Guid: a 128-bit identifier written as Hyper-V writes it, upper case with dashes and no braces
// ("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB"). Value type; thread-compatible.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vsm {

class Guid {
 public:
  Guid() = default;  // the null Guid
  explicit Guid(const std::array<uint8_t, 16>& bytes) : bytes_(bytes) {}

  // A random (version 4) Guid from the OS's random source.
  static Guid Generate();
  // Accepts upper or lower case, with or without braces. nullopt if malformed.
  static std::optional<Guid> Parse(std::string_view text);

  bool IsNull() const;
  std::string ToString() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  auto operator<=>(const Guid&) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace vsm
