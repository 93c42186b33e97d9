// ObjectPath: the address of a CIM class or instance: optional host, namespace, class name and
// key bindings (none for a class path). Names compare case-insensitively, as CIM requires.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/value.h"

namespace vsm::cim {

struct KeyBinding {
  std::string name;
  Value value;  // string, boolean, numeric or reference
};

class ObjectPath {
 public:
  ObjectPath() = default;
  ObjectPath(std::string name_space, std::string class_name, std::vector<KeyBinding> keys = {})
      : name_space_(std::move(name_space)),
        class_name_(std::move(class_name)),
        keys_(std::move(keys)) {}

  const std::string& host() const { return host_; }
  void set_host(std::string host) { host_ = std::move(host); }
  const std::string& name_space() const { return name_space_; }  // "root/virtualization"
  void set_name_space(std::string ns) { name_space_ = std::move(ns); }
  const std::string& class_name() const { return class_name_; }
  void set_class_name(std::string name) { class_name_ = std::move(name); }
  const std::vector<KeyBinding>& keys() const { return keys_; }
  bool IsClassPath() const { return keys_.empty(); }

  // Adds or replaces a key binding.
  void SetKey(std::string name, Value value);
  // The binding named `name` (case-insensitive), or nullptr.
  const Value* FindKey(std::string_view name) const;

  // WMI/wbemcli text form: [host/]namespace:Class.Key1="v1",Key2=3 ; a class path has no '.' part.
  // Keys are written in the order stored; string values quoted with \" and \\ escaped.
  std::string ToString() const;
  // Parses the form ToString writes (host optional; `namespace:` optional). nullopt if malformed.
  static std::optional<ObjectPath> Parse(std::string_view text);

  // Same class and the same key bindings (order-independent), names compared case-insensitively,
  // namespaces compared ignoring '/' vs '\\' and case, host ignored.
  bool operator==(const ObjectPath& other) const;

 private:
  std::string host_;
  std::string name_space_;
  std::string class_name_;
  std::vector<KeyBinding> keys_;
};

// ASCII case-insensitive equality, used for every CIM name.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace vsm::cim
