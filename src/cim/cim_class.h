// ClassDecl: a CIM class as GetClass presents it — properties with types and qualifiers (Key),
// methods with parameters (In/Out), loaded from schema/*.mof by the ClassRegistry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/value.h"

namespace vsm::cim {

struct Qualifier {
  std::string name;
  Value value;
};

const Qualifier* FindQualifier(const std::vector<Qualifier>& qualifiers, std::string_view name);
// True if `name` is present and (for boolean qualifiers) TRUE.
bool HasQualifier(const std::vector<Qualifier>& qualifiers, std::string_view name);

struct PropertyDecl {
  std::string name;
  CimType type = CimType::kString;
  bool is_array = false;
  std::string reference_class;  // for references
  std::vector<Qualifier> qualifiers;
  std::optional<Value> default_value;
  std::string class_origin;  // the class that declared it
  bool IsKey() const { return HasQualifier(qualifiers, "Key"); }
};

struct ParameterDecl {
  std::string name;
  CimType type = CimType::kString;
  bool is_array = false;
  std::string reference_class;
  std::vector<Qualifier> qualifiers;
  // Parameters with neither qualifier are In.
  bool IsIn() const;
  bool IsOut() const { return HasQualifier(qualifiers, "Out"); }
};

struct MethodDecl {
  std::string name;
  CimType return_type = CimType::kUint32;
  std::vector<ParameterDecl> parameters;
  std::vector<Qualifier> qualifiers;
  std::string class_origin;
  const ParameterDecl* FindParameter(std::string_view name) const;
};

struct ClassDecl {
  std::string name;
  std::string superclass;  // "" for a root class
  std::vector<Qualifier> qualifiers;
  std::vector<PropertyDecl> properties;  // including inherited ones, flattened
  std::vector<MethodDecl> methods;       // including inherited ones, flattened
  bool IsAssociation() const { return HasQualifier(qualifiers, "Association"); }
  const PropertyDecl* FindProperty(std::string_view name) const;
  const MethodDecl* FindMethod(std::string_view name) const;
  std::vector<std::string> KeyNames() const;
};

}  // namespace vsm::cim
