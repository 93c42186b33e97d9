#include "app/vsm/property_reader.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "cim/object_path.h"

namespace vsm::cli {
namespace {

bool IsUnsignedType(cim::CimType type) {
  return type == cim::CimType::kUint8 || type == cim::CimType::kUint16 ||
         type == cim::CimType::kUint32 || type == cim::CimType::kUint64;
}

bool IsSignedType(cim::CimType type) {
  return type == cim::CimType::kSint8 || type == cim::CimType::kSint16 ||
         type == cim::CimType::kSint32 || type == cim::CimType::kSint64;
}

bool IsTextType(cim::CimType type) {
  return type == cim::CimType::kString || type == cim::CimType::kChar16 ||
         type == cim::CimType::kDatetime;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> ReadString(const cim::Value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_array()) {
    std::vector<std::string> elements = ReadStringArray(value);
    if (elements.empty()) return std::nullopt;
    return elements.front();
  }
  if (IsTextType(value->type())) return value->AsString();
  if (value->type() == cim::CimType::kReference) return value->AsReference().ToString();
  return value->ToText();
}

std::optional<uint64_t> ReadUnsigned(const cim::Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  if (IsUnsignedType(value->type())) return value->AsUnsigned();
  if (IsSignedType(value->type())) {
    int64_t v = value->AsSigned();
    if (v < 0) return std::nullopt;
    return static_cast<uint64_t>(v);
  }
  if (IsTextType(value->type())) {
    const std::string& text = value->AsString();
    if (!AllDigits(text)) return std::nullopt;
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

std::optional<bool> ReadBoolean(const cim::Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  if (value->type() == cim::CimType::kBoolean) return value->AsBoolean();
  if (IsTextType(value->type())) {
    if (cim::EqualsIgnoreCase(value->AsString(), "true")) return true;
    if (cim::EqualsIgnoreCase(value->AsString(), "false")) return false;
  }
  return std::nullopt;
}

std::vector<std::string> ReadStringArray(const cim::Value* value) {
  std::vector<std::string> result;
  if (value == nullptr || value->is_null()) return result;
  if (!value->is_array()) {
    if (std::optional<std::string> text = ReadString(value)) result.push_back(*text);
    return result;
  }
  for (const cim::Value& element : value->elements()) {
    if (std::optional<std::string> text = ReadString(&element)) result.push_back(*text);
  }
  return result;
}

std::string StringProperty(const cim::Instance& instance, std::string_view name,
                           std::string_view fallback) {
  return ReadString(instance.Get(name)).value_or(std::string(fallback));
}

uint64_t UnsignedProperty(const cim::Instance& instance, std::string_view name,
                          uint64_t fallback) {
  return ReadUnsigned(instance.Get(name)).value_or(fallback);
}

bool BooleanProperty(const cim::Instance& instance, std::string_view name, bool fallback) {
  return ReadBoolean(instance.Get(name)).value_or(fallback);
}

std::string KeyString(const cim::ObjectPath& path, std::string_view name) {
  return ReadString(path.FindKey(name)).value_or("");
}

std::string DatetimeToIso8601(std::string_view datetime) {
  // yyyymmddhhmmss.mmmmmmsUUU: 14 digits, '.', 6 digits, sign, 3-digit UTC offset in minutes.
  if (datetime.size() != 25 || datetime[14] != '.' ||
      (datetime[21] != '+' && datetime[21] != '-') || !AllDigits(datetime.substr(0, 14)) ||
      !AllDigits(datetime.substr(22, 3))) {
    return std::string(datetime);
  }
  int offset_minutes = 0;
  std::from_chars(datetime.data() + 22, datetime.data() + 25, offset_minutes);
  return fmt::format("{}-{}-{}T{}:{}:{}{}{:02}:{:02}", datetime.substr(0, 4),
                     datetime.substr(4, 2), datetime.substr(6, 2), datetime.substr(8, 2),
                     datetime.substr(10, 2), datetime.substr(12, 2), datetime[21],
                     offset_minutes / 60, offset_minutes % 60);
}

}  // namespace vsm::cli
