#include "cimxml/method_call_decoder.h"

#include <fmt/format.h>

#include <variant>

#include "cimxml/object_reader.h"
#include "cimxml/xml_reader.h"

namespace vsm::cimxml {
namespace {

using cim::CimStatus;
using cim::OperationKind;

// One PARAMVALUE of a METHODCALL.
std::variant<cim::NamedValue, RequestFailure> ReadMethodParameter(
    const pugi::xml_node& param, const CallContext& context, const std::string& name_space) {
  cim::NamedValue named;
  named.name = AttributeValue(param, "NAME");
  if (named.name.empty()) {
    return context.Fault(CimStatus::kInvalidParameter, "A PARAMVALUE has no NAME");
  }
  std::optional<cim::CimType> type = ReadTypeAttribute(param, "PARAMTYPE");
  pugi::xml_node value = FirstElementChild(param);
  named.untyped = !type.has_value();
  if (!value) {
    named.value = cim::Value::Null(type.value_or(cim::CimType::kString));
    return named;
  }
  if (IsElement(value, "INSTANCE") || IsElement(value, "CLASS") ||
      IsElement(value, "VALUE.NAMEDINSTANCE")) {
    // An embedded object given as an element: pass its text on, as string parameters carry it.
    named.value = cim::Value::String(NodeToString(value));
    named.untyped = !type || *type != cim::CimType::kString;
    return named;
  }
  if (IsElement(value, "CLASSNAME") || IsElement(value, "INSTANCENAME")) {
    Result<cim::ObjectPath> path = ReadPath(value);
    if (!path.ok()) {
      return context.Fault(CimStatus::kInvalidParameter,
                           fmt::format("Parameter '{}': {}", named.name, path.error().message()));
    }
    FillNamespace(*path, name_space);
    named.value = cim::Value::Reference(*path);
    named.untyped = false;
    return named;
  }
  bool reference = IsElement(value, "VALUE.REFERENCE") || IsElement(value, "VALUE.REFARRAY");
  if (reference) {
    type = cim::CimType::kReference;
    named.untyped = false;
  }
  Result<cim::Value> read = ReadValue(value, type);
  if (!read.ok()) {
    return context.Fault(CimStatus::kInvalidParameter,
                         fmt::format("Parameter '{}' of {}: {}", named.name, context.method_name,
                                     read.error().message()));
  }
  named.value = std::move(*read);
  FillReferenceNamespaces(named.value, name_space);
  return named;
}

}  // namespace

DecodeRequestResult DecodeMethodCall(const pugi::xml_node& call, const CallContext& context,
                                     const RequestHeaders& headers) {
  pugi::xml_node target;
  for (pugi::xml_node child : call.children()) {
    if (IsElement(child, "LOCALINSTANCEPATH") || IsElement(child, "LOCALCLASSPATH") ||
        IsElement(child, "INSTANCEPATH") || IsElement(child, "CLASSPATH") ||
        IsElement(child, "INSTANCENAME") || IsElement(child, "CLASSNAME")) {
      target = child;
      break;
    }
  }
  if (!target) {
    return ProtocolFailure(ProtocolError::kRequestNotValid,
                    fmt::format("<METHODCALL NAME=\"{}\"> lacks its LOCALINSTANCEPATH or "
                                "LOCALCLASSPATH",
                                context.method_name));
  }
  Result<cim::ObjectPath> path = ReadPath(target);
  if (!path.ok()) return ProtocolFailure(ProtocolError::kRequestNotValid, path.error().message());
  if (path->name_space().empty()) {
    path->set_name_space(NamespaceFromCimObject(headers.cim_object));
    if (path->name_space().empty()) {
      return ProtocolFailure(ProtocolError::kRequestNotValid,
                      fmt::format("<METHODCALL NAME=\"{}\"> names no namespace",
                                  context.method_name));
    }
  }
  DecodedRequest decoded;
  decoded.message_id = context.message_id;
  cim::Operation& operation = decoded.operation;
  operation.kind = OperationKind::kInvokeMethod;
  operation.method_name = context.method_name;
  operation.name_space = path->name_space();
  operation.class_name = path->class_name();
  operation.object_path = std::move(*path);
  for (pugi::xml_node param : call.children()) {
    if (!IsElement(param, "PARAMVALUE")) continue;
    auto read = ReadMethodParameter(param, context, operation.name_space);
    if (auto* failure = std::get_if<RequestFailure>(&read)) return std::move(*failure);
    cim::NamedValue named = std::get<cim::NamedValue>(std::move(read));
    for (const auto& earlier : operation.parameters) {
      if (cim::EqualsIgnoreCase(earlier.name, named.name)) {
        return context.Fault(CimStatus::kInvalidParameter,
                             fmt::format("Parameter '{}' of {} is given twice", named.name,
                                         context.method_name));
      }
    }
    operation.parameters.push_back(std::move(named));
  }
  return decoded;
}

}  // namespace vsm::cimxml
