#include "cimxml/object_reader.h"

#include <fmt/format.h>

#include "cimxml/xml_reader.h"

namespace vsm::cimxml {
namespace {

using cim::CimType;
using cim::Value;

Error Invalid(std::string message) { return Error::InvalidParameter(std::move(message)); }

Result<std::string> RequiredAttribute(const pugi::xml_node& node, std::string_view name) {
  pugi::xml_attribute attribute = FindAttribute(node, name);
  if (!attribute) {
    return Invalid(fmt::format("<{}> lacks its {} attribute", node.name(), name));
  }
  return std::string(attribute.value());
}

// KEYVALUE text by VALUETYPE (string, boolean, numeric) and optional TYPE.
Result<Value> ReadKeyValue(const pugi::xml_node& node) {
  std::string text = NodeText(node);
  std::string value_type = AttributeValue(node, "VALUETYPE");
  std::optional<CimType> type = ReadTypeAttribute(node, "TYPE");
  if (value_type.empty() || cim::EqualsIgnoreCase(value_type, "string")) {
    if (type && *type != CimType::kString) {
      if (auto v = Value::FromText(*type, text)) return *v;
    }
    return Value::String(std::move(text));
  }
  if (cim::EqualsIgnoreCase(value_type, "boolean")) {
    if (auto v = Value::FromText(CimType::kBoolean, text)) return *v;
    return Invalid(fmt::format("KEYVALUE '{}' is not a boolean", text));
  }
  if (cim::EqualsIgnoreCase(value_type, "numeric")) {
    std::optional<Value> v;
    if (type) {
      v = Value::FromText(*type, text);
    } else if (text.find_first_of("-") != std::string::npos) {
      v = Value::FromText(CimType::kSint64, text);
    } else {
      v = Value::FromText(CimType::kUint64, text);
    }
    if (!v && !type) v = Value::FromText(CimType::kReal64, text);
    if (v) return *v;
    return Invalid(fmt::format("KEYVALUE '{}' is not a number", text));
  }
  return Invalid(fmt::format("KEYVALUE has unknown VALUETYPE '{}'", value_type));
}

Result<std::string> ReadClassNameElement(const pugi::xml_node& node) {
  return RequiredAttribute(node, "NAME");
}

// NAMESPACEPATH -> (host, namespace).
Result<std::pair<std::string, std::string>> ReadNamespacePath(const pugi::xml_node& node) {
  pugi::xml_node host = FindChild(node, "HOST");
  pugi::xml_node local = FindChild(node, "LOCALNAMESPACEPATH");
  if (!local) return Invalid("<NAMESPACEPATH> lacks <LOCALNAMESPACEPATH>");
  VSM_ASSIGN_OR_RETURN(std::string name_space, ReadLocalNamespacePath(local));
  return std::make_pair(host ? NodeText(host) : std::string(), std::move(name_space));
}

Result<Value> ReadScalarText(const pugi::xml_node& node, CimType type) {
  std::string text = NodeText(node);
  std::optional<Value> v = Value::FromText(type, text);
  if (!v) {
    return Invalid(fmt::format("'{}' is not a {} value", text, cim::CimTypeName(type)));
  }
  return *v;
}

// One element of VALUE.ARRAY / VALUE.REFARRAY.
Result<Value> ReadArrayElement(const pugi::xml_node& node, CimType type) {
  if (IsElement(node, "VALUE.NULL")) return Value::Null(type);
  if (IsElement(node, "VALUE.REFERENCE")) {
    VSM_ASSIGN_OR_RETURN(cim::ObjectPath path, ReadValueReference(node));
    return Value::Reference(path);
  }
  if (IsElement(node, "VALUE")) return ReadScalarText(node, type);
  return Invalid(fmt::format("<{}> is not allowed in an array", node.name()));
}

Result<std::vector<cim::Qualifier>> ReadQualifiers(const pugi::xml_node& node) {
  std::vector<cim::Qualifier> qualifiers;
  for (pugi::xml_node child : node.children()) {
    if (!IsElement(child, "QUALIFIER")) continue;
    cim::Qualifier qualifier;
    VSM_ASSIGN_OR_RETURN(qualifier.name, RequiredAttribute(child, "NAME"));
    std::optional<CimType> type = ReadTypeAttribute(child, "TYPE");
    pugi::xml_node value = FirstElementChild(child);
    if (!type) {
      // Untyped: a boolean if it reads as one (Key, In, Out), else a string.
      std::string text = NodeText(value);
      type = Value::FromText(CimType::kBoolean, text) ? CimType::kBoolean : CimType::kString;
    }
    if (value) {
      VSM_ASSIGN_OR_RETURN(qualifier.value, ReadValue(value, type));
    } else {
      qualifier.value = Value::Null(*type);
    }
    qualifiers.push_back(std::move(qualifier));
  }
  return qualifiers;
}

Result<cim::PropertyDecl> ReadPropertyDecl(const pugi::xml_node& node) {
  cim::PropertyDecl property;
  VSM_ASSIGN_OR_RETURN(property.name, RequiredAttribute(node, "NAME"));
  property.class_origin = AttributeValue(node, "CLASSORIGIN");
  if (IsElement(node, "PROPERTY.REFERENCE")) {
    property.type = CimType::kReference;
    property.reference_class = AttributeValue(node, "REFERENCECLASS");
  } else {
    property.type = ReadTypeAttribute(node, "TYPE").value_or(CimType::kString);
    property.is_array = IsElement(node, "PROPERTY.ARRAY");
  }
  VSM_ASSIGN_OR_RETURN(property.qualifiers, ReadQualifiers(node));
  for (pugi::xml_node child : node.children()) {
    if (IsElement(child, "VALUE") || IsElement(child, "VALUE.ARRAY") ||
        IsElement(child, "VALUE.REFERENCE")) {
      VSM_ASSIGN_OR_RETURN(Value value, ReadValue(child, property.type));
      property.default_value = std::move(value);
    }
  }
  return property;
}

Result<cim::ParameterDecl> ReadParameterDecl(const pugi::xml_node& node) {
  cim::ParameterDecl parameter;
  VSM_ASSIGN_OR_RETURN(parameter.name, RequiredAttribute(node, "NAME"));
  if (IsElement(node, "PARAMETER.REFERENCE") || IsElement(node, "PARAMETER.REFARRAY")) {
    parameter.type = CimType::kReference;
    parameter.reference_class = AttributeValue(node, "REFERENCECLASS");
    parameter.is_array = IsElement(node, "PARAMETER.REFARRAY");
  } else {
    parameter.type = ReadTypeAttribute(node, "TYPE").value_or(CimType::kString);
    parameter.is_array = IsElement(node, "PARAMETER.ARRAY");
  }
  VSM_ASSIGN_OR_RETURN(parameter.qualifiers, ReadQualifiers(node));
  return parameter;
}

Result<cim::MethodDecl> ReadMethodDecl(const pugi::xml_node& node) {
  cim::MethodDecl method;
  VSM_ASSIGN_OR_RETURN(method.name, RequiredAttribute(node, "NAME"));
  method.return_type = ReadTypeAttribute(node, "TYPE").value_or(CimType::kUint32);
  method.class_origin = AttributeValue(node, "CLASSORIGIN");
  VSM_ASSIGN_OR_RETURN(method.qualifiers, ReadQualifiers(node));
  for (pugi::xml_node child : node.children()) {
    if (IsElement(child, "PARAMETER") || IsElement(child, "PARAMETER.REFERENCE") ||
        IsElement(child, "PARAMETER.ARRAY") || IsElement(child, "PARAMETER.REFARRAY")) {
      VSM_ASSIGN_OR_RETURN(cim::ParameterDecl parameter, ReadParameterDecl(child));
      method.parameters.push_back(std::move(parameter));
    }
  }
  return method;
}

}  // namespace

std::optional<CimType> ReadTypeAttribute(const pugi::xml_node& node, std::string_view name) {
  pugi::xml_attribute attribute = FindAttribute(node, name);
  if (!attribute) return std::nullopt;
  return cim::CimTypeFromName(attribute.value());
}

Result<std::string> ReadLocalNamespacePath(const pugi::xml_node& node) {
  std::string name_space;
  for (pugi::xml_node child : node.children()) {
    if (!IsElement(child, "NAMESPACE")) continue;
    VSM_ASSIGN_OR_RETURN(std::string part, RequiredAttribute(child, "NAME"));
    if (!name_space.empty()) name_space += '/';
    name_space += part;
  }
  if (name_space.empty()) return Invalid("<LOCALNAMESPACEPATH> holds no <NAMESPACE>");
  return name_space;
}

Result<cim::ObjectPath> ReadInstanceName(const pugi::xml_node& node) {
  cim::ObjectPath path;
  VSM_ASSIGN_OR_RETURN(std::string class_name, RequiredAttribute(node, "CLASSNAME"));
  path.set_class_name(std::move(class_name));
  for (pugi::xml_node child : node.children()) {
    if (IsElement(child, "KEYBINDING")) {
      VSM_ASSIGN_OR_RETURN(std::string name, RequiredAttribute(child, "NAME"));
      pugi::xml_node value_node = FirstElementChild(child);
      if (IsElement(value_node, "KEYVALUE")) {
        VSM_ASSIGN_OR_RETURN(Value value, ReadKeyValue(value_node));
        path.SetKey(std::move(name), std::move(value));
      } else if (IsElement(value_node, "VALUE.REFERENCE")) {
        VSM_ASSIGN_OR_RETURN(cim::ObjectPath ref, ReadValueReference(value_node));
        path.SetKey(std::move(name), Value::Reference(ref));
      } else {
        return Invalid(fmt::format("<KEYBINDING NAME=\"{}\"> holds no KEYVALUE", name));
      }
    } else if (IsElement(child, "KEYVALUE")) {
      // The single-key shorthand carries no key name.
      VSM_ASSIGN_OR_RETURN(Value value, ReadKeyValue(child));
      path.SetKey("", std::move(value));
    } else if (IsElement(child, "VALUE.REFERENCE")) {
      VSM_ASSIGN_OR_RETURN(cim::ObjectPath ref, ReadValueReference(child));
      path.SetKey("", Value::Reference(ref));
    }
  }
  return path;
}

Result<cim::ObjectPath> ReadPath(const pugi::xml_node& node) {
  if (IsElement(node, "CLASSNAME")) {
    VSM_ASSIGN_OR_RETURN(std::string class_name, ReadClassNameElement(node));
    return cim::ObjectPath("", std::move(class_name));
  }
  if (IsElement(node, "INSTANCENAME")) return ReadInstanceName(node);
  if (IsElement(node, "OBJECTPATH")) {
    pugi::xml_node inner = FirstElementChild(node);
    if (!inner) return Invalid("<OBJECTPATH> is empty");
    return ReadPath(inner);
  }
  bool local = IsElement(node, "LOCALCLASSPATH") || IsElement(node, "LOCALINSTANCEPATH");
  bool full = IsElement(node, "CLASSPATH") || IsElement(node, "INSTANCEPATH");
  if (!local && !full) {
    return Invalid(fmt::format("<{}> is not an object path", node.name()));
  }
  std::string host;
  std::string name_space;
  if (local) {
    pugi::xml_node ns = FindChild(node, "LOCALNAMESPACEPATH");
    if (!ns) return Invalid(fmt::format("<{}> lacks <LOCALNAMESPACEPATH>", node.name()));
    VSM_ASSIGN_OR_RETURN(name_space, ReadLocalNamespacePath(ns));
  } else {
    pugi::xml_node ns = FindChild(node, "NAMESPACEPATH");
    if (!ns) return Invalid(fmt::format("<{}> lacks <NAMESPACEPATH>", node.name()));
    VSM_ASSIGN_OR_RETURN(auto host_and_namespace, ReadNamespacePath(ns));
    host = std::move(host_and_namespace.first);
    name_space = std::move(host_and_namespace.second);
  }
  bool is_class = IsElement(node, "LOCALCLASSPATH") || IsElement(node, "CLASSPATH");
  pugi::xml_node name_node = FindChild(node, is_class ? "CLASSNAME" : "INSTANCENAME");
  if (!name_node) {
    return Invalid(fmt::format("<{}> lacks <{}>", node.name(),
                               is_class ? "CLASSNAME" : "INSTANCENAME"));
  }
  VSM_ASSIGN_OR_RETURN(cim::ObjectPath path, ReadPath(name_node));
  path.set_host(std::move(host));
  path.set_name_space(std::move(name_space));
  return path;
}

Result<cim::ObjectPath> ReadValueReference(const pugi::xml_node& node) {
  pugi::xml_node inner = FirstElementChild(node);
  if (!inner) return Invalid("<VALUE.REFERENCE> is empty");
  return ReadPath(inner);
}

Result<Value> ReadValue(const pugi::xml_node& node, std::optional<CimType> type) {
  if (IsElement(node, "VALUE.NULL")) return Value::Null(type.value_or(CimType::kString));
  if (IsElement(node, "VALUE.REFERENCE")) {
    if (type && *type != CimType::kReference) {
      return Invalid(fmt::format("a reference was given where a {} is expected",
                                 cim::CimTypeName(*type)));
    }
    VSM_ASSIGN_OR_RETURN(cim::ObjectPath path, ReadValueReference(node));
    return Value::Reference(path);
  }
  bool ref_array = IsElement(node, "VALUE.REFARRAY");
  if (IsElement(node, "VALUE.ARRAY") || ref_array) {
    CimType element_type =
        type.value_or(ref_array ? CimType::kReference : CimType::kString);
    std::vector<Value> elements;
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      VSM_ASSIGN_OR_RETURN(Value element, ReadArrayElement(child, element_type));
      elements.push_back(std::move(element));
    }
    return Value::Array(element_type, std::move(elements));
  }
  if (IsElement(node, "VALUE")) return ReadScalarText(node, type.value_or(CimType::kString));
  return Invalid(fmt::format("<{}> is not a value", node.name()));
}

Result<cim::Instance> ReadInstance(const pugi::xml_node& node) {
  if (!IsElement(node, "INSTANCE")) {
    return Invalid(fmt::format("<{}> is not an INSTANCE", node.name()));
  }
  VSM_ASSIGN_OR_RETURN(std::string class_name, RequiredAttribute(node, "CLASSNAME"));
  cim::Instance instance(std::move(class_name));
  for (pugi::xml_node child : node.children()) {
    bool scalar = IsElement(child, "PROPERTY");
    bool array = IsElement(child, "PROPERTY.ARRAY");
    bool reference = IsElement(child, "PROPERTY.REFERENCE");
    if (!scalar && !array && !reference) continue;
    VSM_ASSIGN_OR_RETURN(std::string name, RequiredAttribute(child, "NAME"));
    CimType type = reference ? CimType::kReference
                             : ReadTypeAttribute(child, "TYPE").value_or(CimType::kString);
    Value value = Value::Null(type, array);
    for (pugi::xml_node value_node : child.children()) {
      if (IsElement(value_node, "QUALIFIER") || value_node.type() != pugi::node_element) continue;
      auto read = ReadValue(value_node, type);
      if (!read.ok()) {
        return Invalid(fmt::format("property '{}' of {}: {}", name, instance.class_name(),
                                   read.error().message()));
      }
      value = std::move(*read);
      break;
    }
    cim::Property property{std::move(name), std::move(value),
                           reference ? AttributeValue(child, "REFERENCECLASS") : std::string()};
    instance.mutable_properties().push_back(std::move(property));
  }
  return instance;
}

Result<cim::ClassDecl> ReadClass(const pugi::xml_node& node) {
  if (!IsElement(node, "CLASS")) {
    return Invalid(fmt::format("<{}> is not a CLASS", node.name()));
  }
  cim::ClassDecl decl;
  VSM_ASSIGN_OR_RETURN(decl.name, RequiredAttribute(node, "NAME"));
  decl.superclass = AttributeValue(node, "SUPERCLASS");
  VSM_ASSIGN_OR_RETURN(decl.qualifiers, ReadQualifiers(node));
  for (pugi::xml_node child : node.children()) {
    if (IsElement(child, "PROPERTY") || IsElement(child, "PROPERTY.ARRAY") ||
        IsElement(child, "PROPERTY.REFERENCE")) {
      VSM_ASSIGN_OR_RETURN(cim::PropertyDecl property, ReadPropertyDecl(child));
      decl.properties.push_back(std::move(property));
    } else if (IsElement(child, "METHOD")) {
      VSM_ASSIGN_OR_RETURN(cim::MethodDecl method, ReadMethodDecl(child));
      decl.methods.push_back(std::move(method));
    }
  }
  return decl;
}

}  // namespace vsm::cimxml
