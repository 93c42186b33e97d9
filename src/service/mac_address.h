// MAC addresses of synthetic network adapters, in Hyper-V's form: 12 upper-case hex digits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vsm::service {

// A new dynamic MAC in Microsoft's Hyper-V range 00-15-5D-xx-xx-xx (locally random low bytes).
std::string GenerateDynamicMacAddress();

// Accepts "00155D0A0B0C", "00:15:5d:0a:0b:0c" or "00-15-5D-0A-0B-0C"; returns the 12-digit
// upper-case form, or nullopt if `text` is not a unicast MAC address.
std::optional<std::string> NormalizeMacAddress(std::string_view text);

}  // namespace vsm::service
