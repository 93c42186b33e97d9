// Instance: a CIM instance — its class, its properties in class order, and its path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cim/object_path.h"
#include "cim/value.h"

namespace vsm::cim {

struct Property {
  std::string name;
  Value value;
  std::string reference_class;  // for reference properties: the class the reference points to
};

class Instance {
 public:
  Instance() = default;
  explicit Instance(std::string class_name) : class_name_(std::move(class_name)) {}

  const std::string& class_name() const { return class_name_; }
  const std::vector<Property>& properties() const { return properties_; }
  std::vector<Property>& mutable_properties() { return properties_; }

  // Adds or replaces a property (case-insensitive name match keeps the original position).
  void Set(std::string name, Value value);
  // Room for `count` properties, so that building a large instance does not regrow the list.
  void Reserve(size_t count) { properties_.reserve(count); }
  // The property named `name` (case-insensitive), or nullptr.
  const Value* Get(std::string_view name) const;

  const ObjectPath& path() const { return path_; }
  void set_path(ObjectPath path) { path_ = std::move(path); }

  // Keeps only the properties named in `names` (case-insensitive); the path is untouched.
  void FilterProperties(const std::vector<std::string>& names);

 private:
  std::string class_name_;
  std::vector<Property> properties_;
  ObjectPath path_;
};

}  // namespace vsm::cim
