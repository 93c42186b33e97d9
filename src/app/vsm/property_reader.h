// Lenient readers of the properties of instances vsmd sends: a property that is absent, null or
// of an unexpected type reads as the fallback, and numbers sent as text are parsed. The CLI
// presents what it finds rather than refusing a whole listing over one odd property.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/instance.h"
#include "cim/value.h"

namespace vsm::cli {

std::optional<std::string> ReadString(const cim::Value* value);
std::optional<uint64_t> ReadUnsigned(const cim::Value* value);
std::optional<bool> ReadBoolean(const cim::Value* value);
// A string[] (a single string counts as one element); null elements are skipped.
std::vector<std::string> ReadStringArray(const cim::Value* value);

std::string StringProperty(const cim::Instance& instance, std::string_view name,
                           std::string_view fallback = {});
uint64_t UnsignedProperty(const cim::Instance& instance, std::string_view name,
                          uint64_t fallback = 0);
bool BooleanProperty(const cim::Instance& instance, std::string_view name, bool fallback = false);

// The value of key `name` of `path` as text ("" if absent).
std::string KeyString(const cim::ObjectPath& path, std::string_view name);

// A DSP0004 datetime ("20260125064555.123456+000") as ISO 8601 ("2026-01-25T06:45:55+00:00");
// other text (an interval, a malformed value) is returned unchanged.
std::string DatetimeToIso8601(std::string_view datetime);

}  // namespace vsm::cli
