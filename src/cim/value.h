// Value: one CIM value (DSP0004): a typed scalar or array, possibly null. Value type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vsm::cim {

class ObjectPath;

enum class CimType {
  kBoolean,
  kString,
  kChar16,
  kUint8,
  kSint8,
  kUint16,
  kSint16,
  kUint32,
  kSint32,
  kUint64,
  kSint64,
  kReal32,
  kReal64,
  kDatetime,
  kReference,
};

// "boolean", "string", "uint16", "datetime", "reference", ... as DSP0201 TYPE/PARAMTYPE spells it.
std::string_view CimTypeName(CimType type);
std::optional<CimType> CimTypeFromName(std::string_view name);  // case-insensitive

class Value {
 public:
  // A null string.
  Value();

  static Value Null(CimType type, bool is_array = false);
  static Value Boolean(bool v);
  static Value String(std::string v);
  static Value Unsigned(CimType type, uint64_t v);  // REQUIRES: type is uint8/16/32/64
  static Value Signed(CimType type, int64_t v);     // REQUIRES: type is sint8/16/32/64
  static Value Uint8(uint8_t v) { return Unsigned(CimType::kUint8, v); }
  static Value Uint16(uint16_t v) { return Unsigned(CimType::kUint16, v); }
  static Value Uint32(uint32_t v) { return Unsigned(CimType::kUint32, v); }
  static Value Uint64(uint64_t v) { return Unsigned(CimType::kUint64, v); }
  static Value Real64(double v);
  // `text` is a DSP0004 datetime ("yyyymmddhhmmss.mmmmmmsutc") or interval
  // ("ddddddddhhmmss.mmmmmm:000").
  static Value Datetime(std::string text);
  static Value Reference(const ObjectPath& path);
  // An array of `element_type` from scalar elements of that type.
  static Value Array(CimType element_type, std::vector<Value> elements);
  static Value StringArray(const std::vector<std::string>& v);
  static Value Uint16Array(const std::vector<uint16_t>& v);

  // Parses DSP0201 VALUE text as `type` ("TRUE"/"true" for booleans, decimal or 0x-hex integers,
  // any text for strings). nullopt if the text is not a value of that type.
  static std::optional<Value> FromText(CimType type, std::string_view text);

  CimType type() const { return type_; }
  bool is_array() const { return is_array_; }
  bool is_null() const { return is_null_; }

  // REQUIRES: !is_null() && !is_array(), of the matching kind.
  bool AsBoolean() const;
  uint64_t AsUnsigned() const;
  int64_t AsSigned() const;
  double AsReal() const;
  const std::string& AsString() const;  // string, char16 and datetime
  const ObjectPath& AsReference() const;
  // REQUIRES: is_array(). Each element is a scalar Value of type().
  const std::vector<Value>& elements() const;

  // DSP0201 VALUE text of a non-null scalar: "TRUE"/"FALSE", decimal numbers, the string as is.
  // REQUIRES: !is_array(), type() != kReference.
  std::string ToText() const;

  bool operator==(const Value& other) const;

 private:
  CimType type_ = CimType::kString;
  bool is_array_ = false;
  bool is_null_ = true;
  std::variant<std::monostate, bool, uint64_t, int64_t, double, std::string,
               std::shared_ptr<const ObjectPath>, std::vector<Value>>
      data_;
};

}  // namespace vsm::cim
