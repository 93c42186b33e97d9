#include "cimxml/object_writer.h"

#include <string>
#include <vector>

namespace vsm::cimxml {
namespace {

using cim::CimType;

bool IsNumeric(CimType type) {
  switch (type) {
    case CimType::kBoolean:
    case CimType::kString:
    case CimType::kChar16:
    case CimType::kDatetime:
    case CimType::kReference:
      return false;
    default:
      return true;
  }
}

void WriteKeyBinding(XmlWriter& w, const cim::KeyBinding& key) {
  w.Open("KEYBINDING", {{"NAME", key.name}});
  const cim::Value& value = key.value;
  if (!value.is_null() && !value.is_array() && value.type() == CimType::kReference) {
    WriteValueReference(w, value.AsReference());
  } else if (value.is_null() || value.is_array()) {
    // Keys are never null; write an empty string rather than an invalid element.
    w.Open("KEYVALUE", {{"VALUETYPE", "string"}});
    w.Close();
  } else if (value.type() == CimType::kBoolean) {
    w.Open("KEYVALUE", {{"VALUETYPE", "boolean"}});
    w.Text(value.ToText());
    w.Close();
  } else if (IsNumeric(value.type())) {
    w.Open("KEYVALUE", {{"VALUETYPE", "numeric"}, {"TYPE", cim::CimTypeName(value.type())}});
    w.Text(value.ToText());
    w.Close();
  } else {
    w.Open("KEYVALUE", {{"VALUETYPE", "string"}});
    w.Text(value.AsString());
    w.Close();
  }
  w.Close();
}

void WriteScalarValue(XmlWriter& w, const cim::Value& value) {
  if (value.is_null()) {
    w.Empty("VALUE.NULL");
  } else if (value.type() == CimType::kReference) {
    WriteValueReference(w, value.AsReference());
  } else {
    w.TextElement("VALUE", value.ToText());
  }
}

void WriteQualifier(XmlWriter& w, const cim::Qualifier& qualifier) {
  std::vector<XmlAttribute> attributes = {{"NAME", qualifier.name},
                                          {"TYPE", cim::CimTypeName(qualifier.value.type())}};
  // Key is not overridable (DSP0004); wbemcli was shown this exact form.
  if (cim::EqualsIgnoreCase(qualifier.name, "Key")) attributes.push_back({"OVERRIDABLE", "false"});
  w.Open("QUALIFIER", attributes);
  WriteValue(w, qualifier.value);
  w.Close();
}

void WriteQualifiers(XmlWriter& w, const std::vector<cim::Qualifier>& qualifiers,
                     const ClassWriteOptions& options) {
  if (!options.include_qualifiers) return;
  for (const auto& qualifier : qualifiers) WriteQualifier(w, qualifier);
}

void WritePropertyDecl(XmlWriter& w, const cim::PropertyDecl& property,
                       const ClassWriteOptions& options) {
  std::vector<XmlAttribute> attributes = {{"NAME", property.name}};
  std::string_view element = "PROPERTY";
  if (property.type == CimType::kReference) {
    element = "PROPERTY.REFERENCE";
    if (!property.reference_class.empty()) {
      attributes.push_back({"REFERENCECLASS", property.reference_class});
    }
  } else {
    if (property.is_array) element = "PROPERTY.ARRAY";
    attributes.push_back({"TYPE", cim::CimTypeName(property.type)});
  }
  if (options.include_class_origin && !property.class_origin.empty()) {
    attributes.push_back({"CLASSORIGIN", property.class_origin});
  }
  w.Open(element, attributes);
  WriteQualifiers(w, property.qualifiers, options);
  if (property.default_value && !property.default_value->is_null()) {
    WriteValue(w, *property.default_value);
  }
  w.Close();
}

void WriteParameterDecl(XmlWriter& w, const cim::ParameterDecl& parameter,
                        const ClassWriteOptions& options) {
  std::vector<XmlAttribute> attributes = {{"NAME", parameter.name}};
  std::string_view element;
  if (parameter.type == CimType::kReference) {
    element = parameter.is_array ? "PARAMETER.REFARRAY" : "PARAMETER.REFERENCE";
    if (!parameter.reference_class.empty()) {
      attributes.push_back({"REFERENCECLASS", parameter.reference_class});
    }
  } else {
    element = parameter.is_array ? "PARAMETER.ARRAY" : "PARAMETER";
    attributes.push_back({"TYPE", cim::CimTypeName(parameter.type)});
  }
  w.Open(element, attributes);
  WriteQualifiers(w, parameter.qualifiers, options);
  w.Close();
}

void WriteMethodDecl(XmlWriter& w, const cim::MethodDecl& method,
                     const ClassWriteOptions& options) {
  std::vector<XmlAttribute> attributes = {{"NAME", method.name},
                                          {"TYPE", cim::CimTypeName(method.return_type)}};
  if (options.include_class_origin && !method.class_origin.empty()) {
    attributes.push_back({"CLASSORIGIN", method.class_origin});
  }
  w.Open("METHOD", attributes);
  WriteQualifiers(w, method.qualifiers, options);
  for (const auto& parameter : method.parameters) WriteParameterDecl(w, parameter, options);
  w.Close();
}

// Splits "root/virtualization" (or "root\\virtualization") into its NAMESPACE names.
std::vector<std::string_view> NamespaceParts(std::string_view name_space) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= name_space.size(); ++i) {
    if (i == name_space.size() || name_space[i] == '/' || name_space[i] == '\\') {
      if (i > start) parts.push_back(name_space.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

void WriteLocalNamespacePath(XmlWriter& w, std::string_view name_space) {
  w.Open("LOCALNAMESPACEPATH");
  for (std::string_view part : NamespaceParts(name_space)) w.Empty("NAMESPACE", {{"NAME", part}});
  w.Close();
}

void WriteNamespacePath(XmlWriter& w, std::string_view host, std::string_view name_space) {
  w.Open("NAMESPACEPATH");
  w.TextElement("HOST", host.empty() ? kDefaultHost : host);
  WriteLocalNamespacePath(w, name_space);
  w.Close();
}

void WriteClassName(XmlWriter& w, std::string_view class_name) {
  w.Empty("CLASSNAME", {{"NAME", class_name}});
}

void WriteInstanceName(XmlWriter& w, const cim::ObjectPath& path) {
  w.Open("INSTANCENAME", {{"CLASSNAME", path.class_name()}});
  for (const auto& key : path.keys()) WriteKeyBinding(w, key);
  w.Close();
}

void WriteLocalPath(XmlWriter& w, const cim::ObjectPath& path) {
  if (path.IsClassPath()) {
    w.Open("LOCALCLASSPATH");
    WriteLocalNamespacePath(w, path.name_space());
    WriteClassName(w, path.class_name());
  } else {
    w.Open("LOCALINSTANCEPATH");
    WriteLocalNamespacePath(w, path.name_space());
    WriteInstanceName(w, path);
  }
  w.Close();
}

void WriteFullPath(XmlWriter& w, const cim::ObjectPath& path) {
  if (path.IsClassPath()) {
    w.Open("CLASSPATH");
    WriteNamespacePath(w, path.host(), path.name_space());
    WriteClassName(w, path.class_name());
  } else {
    w.Open("INSTANCEPATH");
    WriteNamespacePath(w, path.host(), path.name_space());
    WriteInstanceName(w, path);
  }
  w.Close();
}

void WriteValueReference(XmlWriter& w, const cim::ObjectPath& path) {
  w.Open("VALUE.REFERENCE");
  if (!path.name_space().empty()) {
    WriteLocalPath(w, path);
  } else if (path.IsClassPath()) {
    WriteClassName(w, path.class_name());
  } else {
    WriteInstanceName(w, path);
  }
  w.Close();
}

void WriteValue(XmlWriter& w, const cim::Value& value) {
  if (value.is_null()) return;
  if (!value.is_array()) {
    WriteScalarValue(w, value);
    return;
  }
  w.Open(value.type() == CimType::kReference ? "VALUE.REFARRAY" : "VALUE.ARRAY");
  for (const auto& element : value.elements()) WriteScalarValue(w, element);
  w.Close();
}

void WriteInstance(XmlWriter& w, const cim::Instance& instance) {
  w.Open("INSTANCE", {{"CLASSNAME", instance.class_name()}});
  for (const auto& property : instance.properties()) {
    const cim::Value& value = property.value;
    if (value.type() == CimType::kReference) {
      // DSP0201 has no reference-array property; such a value is written as a null reference.
      std::vector<XmlAttribute> attributes = {{"NAME", property.name}};
      std::string reference_class = property.reference_class;
      if (reference_class.empty() && !value.is_null() && !value.is_array()) {
        reference_class = value.AsReference().class_name();
      }
      if (!reference_class.empty()) attributes.push_back({"REFERENCECLASS", reference_class});
      // Never self-closing: wbemcli's parser wants </PROPERTY…> (seen with wbemcli 1.6.3).
      w.Open("PROPERTY.REFERENCE", attributes);
      if (!value.is_null() && !value.is_array()) WriteValueReference(w, value.AsReference());
      w.Close();
      continue;
    }
    std::string_view element = value.is_array() ? "PROPERTY.ARRAY" : "PROPERTY";
    std::initializer_list<XmlAttribute> attributes = {{"NAME", property.name},
                                                      {"TYPE", cim::CimTypeName(value.type())}};
    // A null property is `<PROPERTY …></PROPERTY>`: wbemcli 1.6.3 rejects `<PROPERTY …/>`
    // with "Expecting /PROPERTY, QUALIFIER or VALUE element".
    w.Open(element, attributes);
    WriteValue(w, value);
    w.Close();
  }
  w.Close();
}

void WriteClass(XmlWriter& w, const cim::ClassDecl& decl, const ClassWriteOptions& options) {
  std::vector<XmlAttribute> attributes = {{"NAME", decl.name}};
  if (!decl.superclass.empty()) attributes.push_back({"SUPERCLASS", decl.superclass});
  w.Open("CLASS", attributes);
  WriteQualifiers(w, decl.qualifiers, options);
  for (const auto& property : decl.properties) WritePropertyDecl(w, property, options);
  for (const auto& method : decl.methods) WriteMethodDecl(w, method, options);
  w.Close();
}

}  // namespace vsm::cimxml
