#include "cim/instance.h"

#include <algorithm>

namespace vsm::cim {

void Instance::Set(std::string name, Value value) {
  for (auto& property : properties_) {
    if (EqualsIgnoreCase(property.name, name)) {
      property.value = std::move(value);
      return;
    }
  }
  properties_.push_back({std::move(name), std::move(value), {}});
}

const Value* Instance::Get(std::string_view name) const {
  for (const auto& property : properties_) {
    if (EqualsIgnoreCase(property.name, name)) return &property.value;
  }
  return nullptr;
}

void Instance::FilterProperties(const std::vector<std::string>& names) {
  std::erase_if(properties_, [&names](const Property& property) {
    return std::none_of(names.begin(), names.end(), [&property](const std::string& name) {
      return EqualsIgnoreCase(name, property.name);
    });
  });
}

}  // namespace vsm::cim
