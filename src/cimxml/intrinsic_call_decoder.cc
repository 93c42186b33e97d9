#include "cimxml/intrinsic_call_decoder.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <vector>

#include "cimxml/object_reader.h"
#include "cimxml/xml_reader.h"

namespace vsm::cimxml {
namespace {

using cim::CimStatus;
using cim::OperationKind;

// The IPARAMVALUE names each intrinsic method takes (DSP0200 §5.3.2), and which are required.
constexpr std::string_view kGetClassParams[] = {"ClassName", "LocalOnly", "IncludeQualifiers",
                                                "IncludeClassOrigin", "PropertyList"};
constexpr std::string_view kEnumerateClassesParams[] = {
    "ClassName", "DeepInheritance", "LocalOnly", "IncludeQualifiers", "IncludeClassOrigin"};
constexpr std::string_view kEnumerateClassNamesParams[] = {"ClassName", "DeepInheritance"};
constexpr std::string_view kGetInstanceParams[] = {"InstanceName", "LocalOnly",
                                                   "IncludeQualifiers", "IncludeClassOrigin",
                                                   "PropertyList"};
constexpr std::string_view kEnumerateInstancesParams[] = {
    "ClassName",          "DeepInheritance", "LocalOnly", "IncludeQualifiers",
    "IncludeClassOrigin", "PropertyList"};
constexpr std::string_view kEnumerateInstanceNamesParams[] = {"ClassName"};
constexpr std::string_view kExecQueryParams[] = {"QueryLanguage", "Query"};
constexpr std::string_view kAssociatorsParams[] = {
    "ObjectName",        "AssocClass",         "ResultClass", "Role", "ResultRole",
    "IncludeQualifiers", "IncludeClassOrigin", "PropertyList"};
constexpr std::string_view kAssociatorNamesParams[] = {"ObjectName", "AssocClass", "ResultClass",
                                                       "Role", "ResultRole"};
constexpr std::string_view kReferencesParams[] = {"ObjectName",        "ResultClass",
                                                  "Role",              "IncludeQualifiers",
                                                  "IncludeClassOrigin", "PropertyList"};
constexpr std::string_view kReferenceNamesParams[] = {"ObjectName", "ResultClass", "Role"};

constexpr std::string_view kClassNameRequired[] = {"ClassName"};
constexpr std::string_view kInstanceNameRequired[] = {"InstanceName"};
constexpr std::string_view kObjectNameRequired[] = {"ObjectName"};
constexpr std::string_view kQueryRequired[] = {"QueryLanguage", "Query"};

struct IntrinsicSpec {
  OperationKind kind;
  std::span<const std::string_view> parameters;
  std::span<const std::string_view> required;
};

constexpr IntrinsicSpec kIntrinsics[] = {
    {OperationKind::kGetClass, kGetClassParams, kClassNameRequired},
    {OperationKind::kEnumerateClasses, kEnumerateClassesParams, {}},
    {OperationKind::kEnumerateClassNames, kEnumerateClassNamesParams, {}},
    {OperationKind::kGetInstance, kGetInstanceParams, kInstanceNameRequired},
    {OperationKind::kEnumerateInstances, kEnumerateInstancesParams, kClassNameRequired},
    {OperationKind::kEnumerateInstanceNames, kEnumerateInstanceNamesParams, kClassNameRequired},
    {OperationKind::kExecQuery, kExecQueryParams, kQueryRequired},
    {OperationKind::kAssociators, kAssociatorsParams, kObjectNameRequired},
    {OperationKind::kAssociatorNames, kAssociatorNamesParams, kObjectNameRequired},
    {OperationKind::kReferences, kReferencesParams, kObjectNameRequired},
    {OperationKind::kReferenceNames, kReferenceNamesParams, kObjectNameRequired},
};

const IntrinsicSpec* FindIntrinsic(std::string_view name) {
  for (const auto& spec : kIntrinsics) {
    if (cim::EqualsIgnoreCase(cim::OperationKindName(spec.kind), name)) return &spec;
  }
  return nullptr;
}

// One IPARAMVALUE applied to the operation.
class IntrinsicParameterReader {
 public:
  IntrinsicParameterReader(const CallContext& context, cim::Operation& operation)
      : context_(context), operation_(operation) {}

  // Returns a failure, or nullopt when the parameter was applied.
  std::optional<RequestFailure> Apply(std::string_view name, const pugi::xml_node& value) {
    if (!value) return std::nullopt;  // NULL: the default stands
    if (name == "ClassName") return ReadClassName(name, value, operation_.class_name);
    if (name == "LocalOnly") return ReadBoolean(name, value, operation_.local_only);
    if (name == "DeepInheritance") return ReadBoolean(name, value, operation_.deep_inheritance);
    if (name == "IncludeQualifiers") {
      return ReadBoolean(name, value, operation_.include_qualifiers);
    }
    if (name == "IncludeClassOrigin") {
      return ReadBoolean(name, value, operation_.include_class_origin);
    }
    if (name == "PropertyList") return ReadPropertyList(value);
    if (name == "InstanceName" || name == "ObjectName") return ReadObjectName(name, value);
    if (name == "AssocClass") return ReadClassName(name, value, operation_.assoc_class);
    if (name == "ResultClass") return ReadClassName(name, value, operation_.result_class);
    if (name == "Role") return ReadString(name, value, operation_.role);
    if (name == "ResultRole") return ReadString(name, value, operation_.result_role);
    if (name == "QueryLanguage") return ReadString(name, value, operation_.query_language);
    if (name == "Query") return ReadString(name, value, operation_.query);
    return context_.Fault(CimStatus::kInvalidParameter,
                          fmt::format("Parameter '{}' is not handled", name));
  }

 private:
  RequestFailure Bad(std::string_view name, std::string_view what) const {
    return context_.Fault(CimStatus::kInvalidParameter,
                          fmt::format("Parameter '{}' of {}: {}", name,
                                      context_.method_name, what));
  }

  std::optional<RequestFailure> ReadBoolean(std::string_view name, const pugi::xml_node& value,
                                            bool& out) {
    if (!IsElement(value, "VALUE")) return Bad(name, "expected a <VALUE> holding TRUE or FALSE");
    std::optional<cim::Value> v = cim::Value::FromText(cim::CimType::kBoolean, NodeText(value));
    if (!v) return Bad(name, fmt::format("'{}' is not TRUE or FALSE", NodeText(value)));
    out = v->AsBoolean();
    return std::nullopt;
  }

  std::optional<RequestFailure> ReadString(std::string_view name, const pugi::xml_node& value,
                                           std::string& out) {
    if (!IsElement(value, "VALUE")) return Bad(name, "expected a <VALUE>");
    out = NodeText(value);
    return std::nullopt;
  }

  std::optional<RequestFailure> ReadClassName(std::string_view name,
                                              const pugi::xml_node& value, std::string& out) {
    if (IsElement(value, "CLASSNAME")) {
      out = AttributeValue(value, "NAME");
    } else if (IsElement(value, "VALUE")) {
      out = NodeText(value);
    } else {
      return Bad(name, "expected a <CLASSNAME NAME=\"…\"/>");
    }
    if (out.empty()) return Bad(name, "the class name is empty");
    return std::nullopt;
  }

  std::optional<RequestFailure> ReadPropertyList(const pugi::xml_node& value) {
    std::vector<std::string> names;
    if (IsElement(value, "VALUE.ARRAY")) {
      for (pugi::xml_node child : value.children()) {
        if (IsElement(child, "VALUE")) names.push_back(NodeText(child));
      }
    } else if (IsElement(value, "VALUE")) {
      names.push_back(NodeText(value));
    } else {
      return Bad("PropertyList", "expected a <VALUE.ARRAY> of property names");
    }
    operation_.property_list = std::move(names);
    return std::nullopt;
  }

  std::optional<RequestFailure> ReadObjectName(std::string_view name,
                                               const pugi::xml_node& value) {
    Result<cim::ObjectPath> path = ReadPath(value);
    if (!path.ok()) return Bad(name, path.error().message());
    if (name == "InstanceName" && path->IsClassPath()) {
      return Bad(name, "expected an <INSTANCENAME> with its keys");
    }
    FillNamespace(*path, operation_.name_space);
    operation_.class_name = path->class_name();
    operation_.object_path = std::move(*path);
    return std::nullopt;
  }

  const CallContext& context_;
  cim::Operation& operation_;
};

void ApplyIntrinsicDefaults(cim::Operation& operation) {
  switch (operation.kind) {
    case OperationKind::kGetClass:
      operation.local_only = true;
      operation.include_qualifiers = true;
      break;
    case OperationKind::kEnumerateClasses:
      operation.deep_inheritance = false;
      operation.local_only = true;
      operation.include_qualifiers = true;
      break;
    case OperationKind::kEnumerateClassNames:
      operation.deep_inheritance = false;
      break;
    default:
      operation.local_only = false;
      operation.deep_inheritance = true;
      operation.include_qualifiers = false;
      break;
  }
  operation.include_class_origin = false;
}

}  // namespace

DecodeRequestResult DecodeIntrinsicCall(const pugi::xml_node& call, const CallContext& context,
                                        const RequestHeaders& headers) {
  const IntrinsicSpec* spec = FindIntrinsic(context.method_name);
  if (spec == nullptr) {
    return context.Fault(
        CimStatus::kNotSupported,
        fmt::format("Intrinsic method '{}' is not supported; vsm implements GetClass, "
                    "EnumerateClasses, EnumerateClassNames, GetInstance, EnumerateInstances, "
                    "EnumerateInstanceNames, ExecQuery, Associators, AssociatorNames, "
                    "References and ReferenceNames",
                    context.method_name));
  }
  DecodedRequest decoded;
  decoded.message_id = context.message_id;
  cim::Operation& operation = decoded.operation;
  operation.kind = spec->kind;
  ApplyIntrinsicDefaults(operation);

  pugi::xml_node ns = FindChild(call, "LOCALNAMESPACEPATH");
  if (ns) {
    Result<std::string> name_space = ReadLocalNamespacePath(ns);
    if (!name_space.ok()) {
      return ProtocolFailure(ProtocolError::kRequestNotValid, name_space.error().message());
    }
    operation.name_space = std::move(*name_space);
  } else {
    operation.name_space = NamespaceFromCimObject(headers.cim_object);
    if (operation.name_space.empty()) {
      return ProtocolFailure(ProtocolError::kRequestNotValid,
                      fmt::format("<IMETHODCALL NAME=\"{}\"> lacks <LOCALNAMESPACEPATH>",
                                  context.method_name));
    }
  }

  IntrinsicParameterReader reader(context, operation);
  std::vector<std::string_view> seen;
  for (pugi::xml_node param : call.children()) {
    if (!IsElement(param, "IPARAMVALUE")) continue;
    std::string given = AttributeValue(param, "NAME");
    std::string_view name;
    for (std::string_view known : spec->parameters) {
      if (cim::EqualsIgnoreCase(known, given)) name = known;
    }
    if (name.empty()) {
      return context.Fault(CimStatus::kInvalidParameter,
                           fmt::format("'{}' is not a parameter of {}", given,
                                       context.method_name));
    }
    for (std::string_view earlier : seen) {
      if (earlier == name) {
        return context.Fault(CimStatus::kInvalidParameter,
                             fmt::format("Parameter '{}' of {} is given twice", name,
                                         context.method_name));
      }
    }
    seen.push_back(name);
    if (auto failure = reader.Apply(name, FirstElementChild(param))) return *failure;
  }
  for (std::string_view required : spec->required) {
    bool given = false;
    for (pugi::xml_node param : call.children()) {
      if (IsElement(param, "IPARAMVALUE") &&
          cim::EqualsIgnoreCase(AttributeValue(param, "NAME"), required) &&
          FirstElementChild(param)) {
        given = true;
      }
    }
    if (!given) {
      return context.Fault(CimStatus::kInvalidParameter,
                           fmt::format("{} requires the parameter '{}'", context.method_name,
                                       required));
    }
  }
  return decoded;
}


}  // namespace vsm::cimxml
