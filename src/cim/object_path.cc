#include "cim/object_path.h"

#include <algorithm>

namespace vsm::cim {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsNumericType(CimType type) {
  switch (type) {
    case CimType::kUint8:
    case CimType::kUint16:
    case CimType::kUint32:
    case CimType::kUint64:
    case CimType::kSint8:
    case CimType::kSint16:
    case CimType::kSint32:
    case CimType::kSint64:
    case CimType::kReal32:
    case CimType::kReal64:
      return true;
    default:
      return false;
  }
}

bool IsSignedType(CimType type) {
  return type == CimType::kSint8 || type == CimType::kSint16 || type == CimType::kSint32 ||
         type == CimType::kSint64;
}

bool IsRealType(CimType type) { return type == CimType::kReal32 || type == CimType::kReal64; }

bool IsTextType(CimType type) {
  return type == CimType::kString || type == CimType::kChar16 || type == CimType::kDatetime;
}

// Integers compare by value whatever their width: a key that arrived as KEYVALUE
// VALUETYPE="numeric" (sint64/uint64) must match a provider's uint16 key.
bool NumbersEqual(const Value& a, const Value& b) {
  if (IsRealType(a.type()) || IsRealType(b.type())) {
    auto as_double = [](const Value& v) {
      if (IsRealType(v.type())) return v.AsReal();
      return IsSignedType(v.type()) ? static_cast<double>(v.AsSigned())
                                    : static_cast<double>(v.AsUnsigned());
    };
    return as_double(a) == as_double(b);
  }
  bool a_negative = IsSignedType(a.type()) && a.AsSigned() < 0;
  bool b_negative = IsSignedType(b.type()) && b.AsSigned() < 0;
  if (a_negative != b_negative) return false;
  return a.AsUnsigned() == b.AsUnsigned();
}

// Key values compare by meaning: numbers across widths, booleans, references as paths, and,
// leniently, a string against the text of a number or boolean (a client may quote either).
bool KeyValuesEqual(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null() || a.is_array() || b.is_array()) return a == b;
  if (a.type() == CimType::kReference || b.type() == CimType::kReference) {
    return a.type() == b.type() && a.AsReference() == b.AsReference();
  }
  if (IsNumericType(a.type()) && IsNumericType(b.type())) return NumbersEqual(a, b);
  if (IsTextType(a.type()) && IsTextType(b.type())) return a.AsString() == b.AsString();
  if (a.type() == CimType::kBoolean && b.type() == CimType::kBoolean) {
    return a.AsBoolean() == b.AsBoolean();
  }
  const Value& text = IsTextType(a.type()) ? a : b;
  const Value& other = IsTextType(a.type()) ? b : a;
  if (!IsTextType(text.type())) return false;
  std::optional<Value> converted = Value::FromText(other.type(), text.AsString());
  return converted && KeyValuesEqual(*converted, other);
}

bool NamespacesEqual(std::string_view a, std::string_view b) {
  auto normalize = [](char c) { return c == '\\' ? '/' : LowerAscii(c); };
  // Leading and trailing separators carry no meaning.
  auto strip = [](std::string_view s) {
    while (!s.empty() && (s.front() == '/' || s.front() == '\\')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '/' || s.back() == '\\')) s.remove_suffix(1);
    return s;
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (normalize(a[i]) != normalize(b[i])) return false;
  }
  return true;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string KeyValueText(const Value& value) {
  if (value.is_null() || value.is_array()) return "\"\"";
  switch (value.type()) {
    case CimType::kReference:
      return Quote(value.AsReference().ToString());
    case CimType::kString:
    case CimType::kChar16:
    case CimType::kDatetime:
      return Quote(value.AsString());
    case CimType::kBoolean:
      return value.AsBoolean() ? "true" : "false";
    default:
      return value.ToText();
  }
}

// Splits the keys part `K1="v,1",K2=3` at commas outside quotes.
std::optional<std::vector<std::string_view>> SplitKeys(std::string_view text) {
  std::vector<std::string_view> parts;
  bool in_quotes = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes && c == '\\') {
      ++i;
    } else if (c == '"') {
      in_quotes = !in_quotes;
    } else if (c == ',' && !in_quotes) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (in_quotes) return std::nullopt;
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<Value> ParseUnquotedKeyValue(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (EqualsIgnoreCase(text, "true")) return Value::Boolean(true);
  if (EqualsIgnoreCase(text, "false")) return Value::Boolean(false);
  if (text[0] == '-') return Value::FromText(CimType::kSint64, text);
  if (auto v = Value::FromText(CimType::kUint64, text)) return v;
  return Value::FromText(CimType::kReal64, text);
}

// A quoted key value holding an instance path with a namespace is a reference (WMI writes
// reference keys that way); anything else is a string.
Value ClassifyQuotedKeyValue(std::string text) {
  if (text.find(':') != std::string::npos && text.find('=') != std::string::npos) {
    std::optional<ObjectPath> path = ObjectPath::Parse(text);
    if (path && !path->IsClassPath() && !path->name_space().empty()) {
      return Value::Reference(*path);
    }
  }
  return Value::String(std::move(text));
}

std::optional<KeyBinding> ParseKeyBinding(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  KeyBinding binding;
  binding.name = std::string(text.substr(0, eq));
  std::string_view raw = text.substr(eq + 1);
  if (!raw.empty() && raw.front() == '"') {
    if (raw.size() < 2 || raw.back() != '"') return std::nullopt;
    std::string unescaped;
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) ++i;
      unescaped += raw[i];
    }
    binding.value = ClassifyQuotedKeyValue(std::move(unescaped));
    return binding;
  }
  std::optional<Value> value = ParseUnquotedKeyValue(raw);
  if (!value) return std::nullopt;
  binding.value = std::move(*value);
  return binding;
}

bool IsValidClassName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
  });
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

void ObjectPath::SetKey(std::string name, Value value) {
  for (auto& key : keys_) {
    if (EqualsIgnoreCase(key.name, name)) {
      key.value = std::move(value);
      return;
    }
  }
  keys_.push_back({std::move(name), std::move(value)});
}

const Value* ObjectPath::FindKey(std::string_view name) const {
  for (const auto& key : keys_) {
    if (EqualsIgnoreCase(key.name, name)) return &key.value;
  }
  return nullptr;
}

std::string ObjectPath::ToString() const {
  std::string out;
  if (!host_.empty()) {
    out += host_;
    out += '/';
  }
  if (!name_space_.empty()) {
    out += name_space_;
    out += ':';
  }
  out += class_name_;
  for (size_t i = 0; i < keys_.size(); ++i) {
    out += i == 0 ? '.' : ',';
    out += keys_[i].name;
    out += '=';
    out += KeyValueText(keys_[i].value);
  }
  return out;
}

// The text is [prefix:]Class[.keys]. The keys begin at the last '.' before the first '=' (a host
// or namespace may hold dots; a class name never does). The prefix is [host/]namespace: the host
// is recognised when the prefix starts with "//", or when its first segment holds ':' or '.'
// (a port or a dotted name) or is not "root" while more segments follow.
std::optional<ObjectPath> ObjectPath::Parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t first_eq = text.find('=');
  size_t quote = text.find('"');
  if (quote != std::string_view::npos && (first_eq == std::string_view::npos || quote < first_eq)) {
    return std::nullopt;
  }
  std::string_view head = text;
  std::string_view keys_text;
  bool has_keys = false;
  if (first_eq != std::string_view::npos) {
    size_t dot = text.rfind('.', first_eq);
    if (dot == std::string_view::npos) return std::nullopt;
    head = text.substr(0, dot);
    keys_text = text.substr(dot + 1);
    has_keys = true;
  }
  ObjectPath path;
  size_t colon = head.rfind(':');
  std::string_view prefix;
  if (colon != std::string_view::npos) {
    prefix = head.substr(0, colon);
    head = head.substr(colon + 1);
  }
  if (!IsValidClassName(head)) return std::nullopt;
  path.class_name_ = std::string(head);

  if (prefix.starts_with("//")) {
    prefix.remove_prefix(2);
    size_t slash = prefix.find('/');
    path.host_ = std::string(prefix.substr(0, slash));
    prefix = slash == std::string_view::npos ? std::string_view() : prefix.substr(slash + 1);
  } else {
    size_t slash = prefix.find('/');
    if (slash != std::string_view::npos) {
      std::string_view first = prefix.substr(0, slash);
      bool looks_like_host = first.find(':') != std::string_view::npos ||
                             first.find('.') != std::string_view::npos ||
                             !EqualsIgnoreCase(first, "root");
      if (looks_like_host) {
        path.host_ = std::string(first);
        prefix = prefix.substr(slash + 1);
      }
    }
  }
  path.name_space_ = std::string(prefix);

  if (has_keys) {
    std::optional<std::vector<std::string_view>> parts = SplitKeys(keys_text);
    if (!parts) return std::nullopt;
    for (std::string_view part : *parts) {
      std::optional<KeyBinding> binding = ParseKeyBinding(part);
      if (!binding) return std::nullopt;
      path.SetKey(std::move(binding->name), std::move(binding->value));
    }
  }
  return path;
}

bool ObjectPath::operator==(const ObjectPath& other) const {
  if (!EqualsIgnoreCase(class_name_, other.class_name_)) return false;
  if (!NamespacesEqual(name_space_, other.name_space_)) return false;
  if (keys_.size() != other.keys_.size()) return false;
  for (const auto& key : keys_) {
    const Value* theirs = other.FindKey(key.name);
    if (theirs == nullptr || !KeyValuesEqual(key.value, *theirs)) return false;
  }
  return true;
}

}  // namespace vsm::cim
