#include "cimxml/request_encoder.h"

#include <fmt/format.h>

#include "cimxml/message_frame.h"
#include "cimxml/object_writer.h"

namespace vsm::cimxml {
namespace {

using cim::OperationKind;

void WriteBooleanParam(XmlWriter& w, std::string_view name, bool value) {
  w.Open("IPARAMVALUE", {{"NAME", name}});
  w.TextElement("VALUE", value ? "TRUE" : "FALSE");
  w.Close();
}

void WriteStringParam(XmlWriter& w, std::string_view name, std::string_view value) {
  w.Open("IPARAMVALUE", {{"NAME", name}});
  w.TextElement("VALUE", value);
  w.Close();
}

void WriteClassNameParam(XmlWriter& w, std::string_view name, std::string_view class_name) {
  w.Open("IPARAMVALUE", {{"NAME", name}});
  WriteClassName(w, class_name);
  w.Close();
}

void WritePropertyListParam(XmlWriter& w, const cim::Operation& operation) {
  if (!operation.property_list) return;
  w.Open("IPARAMVALUE", {{"NAME", "PropertyList"}});
  w.Open("VALUE.ARRAY");
  for (const auto& name : *operation.property_list) w.TextElement("VALUE", name);
  w.Close();
  w.Close();
}

void WriteObjectNameParam(XmlWriter& w, std::string_view name, const cim::ObjectPath& path) {
  w.Open("IPARAMVALUE", {{"NAME", name}});
  if (path.IsClassPath()) {
    WriteClassName(w, path.class_name());
  } else {
    WriteInstanceName(w, path);
  }
  w.Close();
}

void WriteOptionalClassName(XmlWriter& w, std::string_view name, const std::string& value) {
  if (!value.empty()) WriteClassNameParam(w, name, value);
}

void WriteOptionalString(XmlWriter& w, std::string_view name, const std::string& value) {
  if (!value.empty()) WriteStringParam(w, name, value);
}

void WriteIntrinsicParams(XmlWriter& w, const cim::Operation& op) {
  switch (op.kind) {
    case OperationKind::kGetClass:
      WriteClassNameParam(w, "ClassName", op.class_name);
      WriteBooleanParam(w, "LocalOnly", op.local_only);
      WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
      WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
      WritePropertyListParam(w, op);
      break;
    case OperationKind::kEnumerateClasses:
      WriteOptionalClassName(w, "ClassName", op.class_name);
      WriteBooleanParam(w, "DeepInheritance", op.deep_inheritance);
      WriteBooleanParam(w, "LocalOnly", op.local_only);
      WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
      WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
      break;
    case OperationKind::kEnumerateClassNames:
      WriteOptionalClassName(w, "ClassName", op.class_name);
      WriteBooleanParam(w, "DeepInheritance", op.deep_inheritance);
      break;
    case OperationKind::kGetInstance:
      WriteBooleanParam(w, "LocalOnly", op.local_only);
      WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
      WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
      WritePropertyListParam(w, op);
      WriteObjectNameParam(w, "InstanceName", op.object_path);
      break;
    case OperationKind::kEnumerateInstances:
      WriteClassNameParam(w, "ClassName", op.class_name);
      WriteBooleanParam(w, "DeepInheritance", op.deep_inheritance);
      WriteBooleanParam(w, "LocalOnly", op.local_only);
      WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
      WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
      WritePropertyListParam(w, op);
      break;
    case OperationKind::kEnumerateInstanceNames:
      WriteClassNameParam(w, "ClassName", op.class_name);
      break;
    case OperationKind::kExecQuery:
      WriteStringParam(w, "QueryLanguage", op.query_language);
      WriteStringParam(w, "Query", op.query);
      break;
    case OperationKind::kAssociators:
    case OperationKind::kAssociatorNames:
      WriteObjectNameParam(w, "ObjectName", op.object_path);
      WriteOptionalClassName(w, "AssocClass", op.assoc_class);
      WriteOptionalClassName(w, "ResultClass", op.result_class);
      WriteOptionalString(w, "Role", op.role);
      WriteOptionalString(w, "ResultRole", op.result_role);
      if (op.kind == OperationKind::kAssociators) {
        WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
        WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
        WritePropertyListParam(w, op);
      }
      break;
    case OperationKind::kReferences:
    case OperationKind::kReferenceNames:
      WriteObjectNameParam(w, "ObjectName", op.object_path);
      WriteOptionalClassName(w, "ResultClass", op.result_class);
      WriteOptionalString(w, "Role", op.role);
      if (op.kind == OperationKind::kReferences) {
        WriteBooleanParam(w, "IncludeQualifiers", op.include_qualifiers);
        WriteBooleanParam(w, "IncludeClassOrigin", op.include_class_origin);
        WritePropertyListParam(w, op);
      }
      break;
    case OperationKind::kInvokeMethod:
      break;
  }
}

cim::ObjectPath MethodTarget(const cim::Operation& operation) {
  cim::ObjectPath target = operation.object_path;
  if (target.name_space().empty()) target.set_name_space(operation.name_space);
  if (target.class_name().empty()) target.set_class_name(operation.class_name);
  return target;
}

// %-encodes what HTTP headers cannot carry; keeps the characters wbemcli leaves as they are.
std::string PercentEncode(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("-_.~\"=,").find(c) != std::string_view::npos;
    if (plain) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace

std::string EncodeRequest(const cim::Operation& operation, std::string_view message_id) {
  XmlWriter w;
  OpenMessage(w, message_id, "SIMPLEREQ");
  if (operation.kind == OperationKind::kInvokeMethod) {
    w.Open("METHODCALL", {{"NAME", operation.method_name}});
    WriteLocalPath(w, MethodTarget(operation));
    for (const auto& parameter : operation.parameters) {
      if (parameter.untyped) {
        w.Open("PARAMVALUE", {{"NAME", parameter.name}});
      } else {
        w.Open("PARAMVALUE", {{"NAME", parameter.name},
                              {"PARAMTYPE", cim::CimTypeName(parameter.value.type())}});
      }
      WriteValue(w, parameter.value);
      w.Close();
    }
  } else {
    w.Open("IMETHODCALL", {{"NAME", cim::OperationKindName(operation.kind)}});
    WriteLocalNamespacePath(w, operation.name_space);
    WriteIntrinsicParams(w, operation);
  }
  w.Close();
  CloseMessage(w);
  return w.Take();
}

RequestHeaders RequestHeadersFor(const cim::Operation& operation) {
  RequestHeaders headers;
  headers.cim_operation = "MethodCall";
  headers.cim_protocol_version = "1.0";
  if (operation.kind == OperationKind::kInvokeMethod) {
    headers.cim_method = operation.method_name;
    cim::ObjectPath target = MethodTarget(operation);
    target.set_host("");
    headers.cim_object = PercentEncode(target.ToString());
  } else {
    headers.cim_method = std::string(cim::OperationKindName(operation.kind));
    headers.cim_object = PercentEncode(operation.name_space);
  }
  return headers;
}

}  // namespace vsm::cimxml
