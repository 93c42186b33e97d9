#include "cim/value.h"

#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "cim/object_path.h"

namespace vsm::cim {
namespace {

struct TypeEntry {
  CimType type;
  std::string_view name;
};

// The one list of DSP0201 type names.
constexpr TypeEntry kTypes[] = {
    {CimType::kBoolean, "boolean"},   {CimType::kString, "string"},
    {CimType::kChar16, "char16"},     {CimType::kUint8, "uint8"},
    {CimType::kSint8, "sint8"},       {CimType::kUint16, "uint16"},
    {CimType::kSint16, "sint16"},     {CimType::kUint32, "uint32"},
    {CimType::kSint32, "sint32"},     {CimType::kUint64, "uint64"},
    {CimType::kSint64, "sint64"},     {CimType::kReal32, "real32"},
    {CimType::kReal64, "real64"},     {CimType::kDatetime, "datetime"},
    {CimType::kReference, "reference"},
};

[[maybe_unused]] bool IsUnsignedType(CimType type) {
  return type == CimType::kUint8 || type == CimType::kUint16 || type == CimType::kUint32 ||
         type == CimType::kUint64;
}

[[maybe_unused]] bool IsSignedType(CimType type) {
  return type == CimType::kSint8 || type == CimType::kSint16 || type == CimType::kSint32 ||
         type == CimType::kSint64;
}

uint64_t UnsignedMax(CimType type) {
  switch (type) {
    case CimType::kUint8: return std::numeric_limits<uint8_t>::max();
    case CimType::kUint16: return std::numeric_limits<uint16_t>::max();
    case CimType::kUint32: return std::numeric_limits<uint32_t>::max();
    default: return std::numeric_limits<uint64_t>::max();
  }
}

std::pair<int64_t, int64_t> SignedRange(CimType type) {
  switch (type) {
    case CimType::kSint8: return {INT8_MIN, INT8_MAX};
    case CimType::kSint16: return {INT16_MIN, INT16_MAX};
    case CimType::kSint32: return {INT32_MIN, INT32_MAX};
    default: return {INT64_MIN, INT64_MAX};
  }
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// Decimal or 0x-hex digits, no sign.
std::optional<uint64_t> ParseMagnitude(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// DSP0004 datetime: 25 characters, '.' at 14, '+', '-' or ':' at 21, digits (or '*') elsewhere.
bool IsDatetimeText(std::string_view text) {
  if (text.size() != 25 || text[14] != '.') return false;
  if (text[21] != '+' && text[21] != '-' && text[21] != ':') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 14 || i == 21) continue;
    if (!(text[i] >= '0' && text[i] <= '9') && text[i] != '*') return false;
  }
  return true;
}

}  // namespace

std::string_view CimTypeName(CimType type) {
  for (const auto& entry : kTypes) {
    if (entry.type == type) return entry.name;
  }
  return "string";
}

std::optional<CimType> CimTypeFromName(std::string_view name) {
  for (const auto& entry : kTypes) {
    if (EqualsIgnoreCase(entry.name, name)) return entry.type;
  }
  return std::nullopt;
}

Value::Value() = default;

Value Value::Null(CimType type, bool is_array) {
  Value v;
  v.type_ = type;
  v.is_array_ = is_array;
  return v;
}

Value Value::Boolean(bool b) {
  Value v;
  v.type_ = CimType::kBoolean;
  v.is_null_ = false;
  v.data_ = b;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = CimType::kString;
  v.is_null_ = false;
  v.data_ = std::move(s);
  return v;
}

Value Value::Unsigned(CimType type, uint64_t n) {
  assert(IsUnsignedType(type));
  Value v;
  v.type_ = type;
  v.is_null_ = false;
  v.data_ = n;
  return v;
}

Value Value::Signed(CimType type, int64_t n) {
  assert(IsSignedType(type));
  Value v;
  v.type_ = type;
  v.is_null_ = false;
  v.data_ = n;
  return v;
}

Value Value::Real64(double d) {
  Value v;
  v.type_ = CimType::kReal64;
  v.is_null_ = false;
  v.data_ = d;
  return v;
}

Value Value::Datetime(std::string text) {
  Value v;
  v.type_ = CimType::kDatetime;
  v.is_null_ = false;
  v.data_ = std::move(text);
  return v;
}

Value Value::Reference(const ObjectPath& path) {
  Value v;
  v.type_ = CimType::kReference;
  v.is_null_ = false;
  v.data_ = std::make_shared<const ObjectPath>(path);
  return v;
}

Value Value::Array(CimType element_type, std::vector<Value> elements) {
  Value v;
  v.type_ = element_type;
  v.is_array_ = true;
  v.is_null_ = false;
  v.data_ = std::move(elements);
  return v;
}

Value Value::StringArray(const std::vector<std::string>& strings) {
  std::vector<Value> elements;
  elements.reserve(strings.size());
  for (const auto& s : strings) elements.push_back(String(s));
  return Array(CimType::kString, std::move(elements));
}

Value Value::Uint16Array(const std::vector<uint16_t>& numbers) {
  std::vector<Value> elements;
  elements.reserve(numbers.size());
  for (uint16_t n : numbers) elements.push_back(Uint16(n));
  return Array(CimType::kUint16, std::move(elements));
}

std::optional<Value> Value::FromText(CimType type, std::string_view text) {
  switch (type) {
    case CimType::kString:
      return String(std::string(text));
    case CimType::kChar16: {
      Value v = String(std::string(text));
      v.type_ = CimType::kChar16;
      return v;
    }
    case CimType::kDatetime: {
      std::string_view trimmed = Trim(text);
      if (!IsDatetimeText(trimmed)) return std::nullopt;
      return Datetime(std::string(trimmed));
    }
    case CimType::kBoolean: {
      std::string_view trimmed = Trim(text);
      if (EqualsIgnoreCase(trimmed, "true")) return Boolean(true);
      if (EqualsIgnoreCase(trimmed, "false")) return Boolean(false);
      return std::nullopt;
    }
    case CimType::kUint8:
    case CimType::kUint16:
    case CimType::kUint32:
    case CimType::kUint64: {
      std::string_view trimmed = Trim(text);
      if (!trimmed.empty() && trimmed[0] == '+') trimmed.remove_prefix(1);
      std::optional<uint64_t> n = ParseMagnitude(trimmed);
      if (!n || *n > UnsignedMax(type)) return std::nullopt;
      return Unsigned(type, *n);
    }
    case CimType::kSint8:
    case CimType::kSint16:
    case CimType::kSint32:
    case CimType::kSint64: {
      std::string_view trimmed = Trim(text);
      bool negative = false;
      if (!trimmed.empty() && (trimmed[0] == '-' || trimmed[0] == '+')) {
        negative = trimmed[0] == '-';
        trimmed.remove_prefix(1);
      }
      std::optional<uint64_t> magnitude = ParseMagnitude(trimmed);
      if (!magnitude) return std::nullopt;
      auto [min, max] = SignedRange(type);
      if (negative) {
        if (*magnitude > static_cast<uint64_t>(-(min + 1)) + 1) return std::nullopt;
        return Signed(type, static_cast<int64_t>(0 - *magnitude));
      }
      if (*magnitude > static_cast<uint64_t>(max)) return std::nullopt;
      return Signed(type, static_cast<int64_t>(*magnitude));
    }
    case CimType::kReal32:
    case CimType::kReal64: {
      std::string trimmed(Trim(text));
      if (trimmed.empty()) return std::nullopt;
      char* end = nullptr;
      errno = 0;
      double d = std::strtod(trimmed.c_str(), &end);
      if (end != trimmed.c_str() + trimmed.size() || errno == ERANGE) return std::nullopt;
      Value v = Real64(d);
      v.type_ = type;
      return v;
    }
    case CimType::kReference: {
      std::optional<ObjectPath> path = ObjectPath::Parse(Trim(text));
      if (!path) return std::nullopt;
      return Reference(*path);
    }
  }
  return std::nullopt;
}

bool Value::AsBoolean() const { return std::get<bool>(data_); }

uint64_t Value::AsUnsigned() const {
  if (const auto* s = std::get_if<int64_t>(&data_)) return static_cast<uint64_t>(*s);
  return std::get<uint64_t>(data_);
}

int64_t Value::AsSigned() const {
  if (const auto* u = std::get_if<uint64_t>(&data_)) return static_cast<int64_t>(*u);
  return std::get<int64_t>(data_);
}

double Value::AsReal() const { return std::get<double>(data_); }

const std::string& Value::AsString() const { return std::get<std::string>(data_); }

const ObjectPath& Value::AsReference() const {
  return *std::get<std::shared_ptr<const ObjectPath>>(data_);
}

const std::vector<Value>& Value::elements() const { return std::get<std::vector<Value>>(data_); }

std::string Value::ToText() const {
  if (is_null_ || is_array_) return {};
  switch (type_) {
    case CimType::kBoolean:
      return AsBoolean() ? "TRUE" : "FALSE";
    case CimType::kString:
    case CimType::kChar16:
    case CimType::kDatetime:
      return AsString();
    case CimType::kUint8:
    case CimType::kUint16:
    case CimType::kUint32:
    case CimType::kUint64:
      return fmt::format("{}", AsUnsigned());
    case CimType::kSint8:
    case CimType::kSint16:
    case CimType::kSint32:
    case CimType::kSint64:
      return fmt::format("{}", AsSigned());
    case CimType::kReal32:
      return fmt::format("{}", static_cast<float>(AsReal()));
    case CimType::kReal64:
      return fmt::format("{}", AsReal());
    case CimType::kReference:
      // Not a VALUE text; the path's text form is the most useful answer.
      return AsReference().ToString();
  }
  return {};
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_ || is_array_ != other.is_array_ || is_null_ != other.is_null_) {
    return false;
  }
  if (is_null_) return true;
  if (type_ == CimType::kReference && !is_array_) return AsReference() == other.AsReference();
  return data_ == other.data_;
}

}  // namespace vsm::cim
