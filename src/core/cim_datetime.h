// CIM datetime values (DSP0004): points in time as "yyyymmddhhmmss.mmmmmm+000" (UTC) and
// intervals as "ddddddddhhmmss.mmmmmm:000".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vsm {

std::string FormatDatetime(std::chrono::system_clock::time_point time);
std::string FormatInterval(std::chrono::microseconds interval);

// The inverse of FormatDatetime (any UTC offset is applied); nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> ParseDatetime(std::string_view text);
// The inverse of FormatInterval; nullopt if malformed.
std::optional<std::chrono::microseconds> ParseInterval(std::string_view text);

}  // namespace vsm
