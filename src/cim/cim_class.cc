#include "cim/cim_class.h"

#include "cim/object_path.h"

namespace vsm::cim {

const Qualifier* FindQualifier(const std::vector<Qualifier>& qualifiers, std::string_view name) {
  for (const auto& qualifier : qualifiers) {
    if (EqualsIgnoreCase(qualifier.name, name)) return &qualifier;
  }
  return nullptr;
}

// A qualifier given without a value ([Key]) means TRUE; only an explicit FALSE turns it off.
bool HasQualifier(const std::vector<Qualifier>& qualifiers, std::string_view name) {
  const Qualifier* qualifier = FindQualifier(qualifiers, name);
  if (qualifier == nullptr) return false;
  const Value& value = qualifier->value;
  if (value.type() == CimType::kBoolean && !value.is_null() && !value.is_array()) {
    return value.AsBoolean();
  }
  return true;
}

bool ParameterDecl::IsIn() const {
  if (FindQualifier(qualifiers, "In") != nullptr) return HasQualifier(qualifiers, "In");
  return FindQualifier(qualifiers, "Out") == nullptr;
}

const ParameterDecl* MethodDecl::FindParameter(std::string_view parameter_name) const {
  for (const auto& parameter : parameters) {
    if (EqualsIgnoreCase(parameter.name, parameter_name)) return &parameter;
  }
  return nullptr;
}

const PropertyDecl* ClassDecl::FindProperty(std::string_view property_name) const {
  for (const auto& property : properties) {
    if (EqualsIgnoreCase(property.name, property_name)) return &property;
  }
  return nullptr;
}

const MethodDecl* ClassDecl::FindMethod(std::string_view method_name) const {
  for (const auto& method : methods) {
    if (EqualsIgnoreCase(method.name, method_name)) return &method;
  }
  return nullptr;
}

std::vector<std::string> ClassDecl::KeyNames() const {
  std::vector<std::string> names;
  for (const auto& property : properties) {
    if (property.IsKey()) names.push_back(property.name);
  }
  return names;
}

}  // namespace vsm::cim
