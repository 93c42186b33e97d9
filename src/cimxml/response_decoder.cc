#include "cimxml/response_decoder.h"

#include <charconv>

#include <fmt/format.h>

#include "cimxml/object_reader.h"
#include "cimxml/xml_reader.h"

namespace vsm::cimxml {
namespace {

using cim::OperationKind;
using cim::OperationResult;

cim::CimError Failed(std::string message) {
  return cim::CimError{cim::CimStatus::kFailed,
                       fmt::format("The server's response cannot be read: {}", message)};
}

void FillNamespace(cim::ObjectPath& path, std::string_view name_space) {
  if (path.name_space().empty()) path.set_name_space(std::string(name_space));
}

cim::CimError ReadError(const pugi::xml_node& error) {
  uint32_t code = 0;
  std::string code_text = AttributeValue(error, "CODE");
  auto [ptr, ec] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
  if (ec != std::errc() || ptr != code_text.data() + code_text.size() || code == 0) {
    code = static_cast<uint32_t>(cim::CimStatus::kFailed);
  }
  return cim::CimError{static_cast<cim::CimStatus>(code), AttributeValue(error, "DESCRIPTION")};
}

// The elements of IRETURNVALUE named `name`, each read by `read`.
template <typename T, typename ReadFn>
OperationResult ReadAll(const pugi::xml_node& value, std::initializer_list<std::string_view> names,
                        ReadFn read) {
  std::vector<T> items;
  for (pugi::xml_node child : value.children()) {
    if (child.type() != pugi::node_element) continue;
    bool wanted = false;
    for (std::string_view name : names) wanted = wanted || IsElement(child, name);
    if (!wanted) {
      return Failed(fmt::format("unexpected <{}> in IRETURNVALUE", child.name()));
    }
    Result<T> item = read(child);
    if (!item.ok()) return Failed(item.error().message());
    items.push_back(std::move(*item));
  }
  return items;
}

// VALUE.NAMEDINSTANCE, VALUE.OBJECTWITHPATH or VALUE.INSTANCEWITHPATH: a path and an INSTANCE.
Result<cim::Instance> ReadInstanceWithPath(const pugi::xml_node& node,
                                           std::string_view name_space) {
  pugi::xml_node path_node;
  pugi::xml_node instance_node;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (IsElement(child, "INSTANCE")) {
      instance_node = child;
    } else if (!path_node) {
      path_node = child;
    }
  }
  if (!path_node || !instance_node) {
    return Error::InvalidParameter(fmt::format("<{}> lacks its path or INSTANCE", node.name()));
  }
  VSM_ASSIGN_OR_RETURN(cim::ObjectPath path, ReadPath(path_node));
  VSM_ASSIGN_OR_RETURN(cim::Instance instance, ReadInstance(instance_node));
  FillNamespace(path, name_space);
  instance.set_path(std::move(path));
  return instance;
}

OperationResult ReadReturnValue(const pugi::xml_node& value, OperationKind kind,
                                std::string_view name_space) {
  auto read_path = [name_space](const pugi::xml_node& node) -> Result<cim::ObjectPath> {
    VSM_ASSIGN_OR_RETURN(cim::ObjectPath path, ReadPath(node));
    FillNamespace(path, name_space);
    return path;
  };
  auto read_with_path = [name_space](const pugi::xml_node& node) {
    return ReadInstanceWithPath(node, name_space);
  };
  switch (kind) {
    case OperationKind::kGetClass: {
      pugi::xml_node node = FindChild(value, "CLASS");
      if (!node) return Failed("GetClass returned no CLASS");
      Result<cim::ClassDecl> decl = ReadClass(node);
      if (!decl.ok()) return Failed(decl.error().message());
      return std::move(*decl);
    }
    case OperationKind::kEnumerateClasses:
      return ReadAll<cim::ClassDecl>(value, {"CLASS"}, ReadClass);
    case OperationKind::kEnumerateClassNames:
      return ReadAll<std::string>(value, {"CLASSNAME"},
                                  [](const pugi::xml_node& node) -> Result<std::string> {
                                    return AttributeValue(node, "NAME");
                                  });
    case OperationKind::kGetInstance: {
      pugi::xml_node node = FindChild(value, "INSTANCE");
      if (!node) return Failed("GetInstance returned no INSTANCE");
      Result<cim::Instance> instance = ReadInstance(node);
      if (!instance.ok()) return Failed(instance.error().message());
      return std::move(*instance);
    }
    case OperationKind::kEnumerateInstances:
    case OperationKind::kExecQuery:
    case OperationKind::kAssociators:
    case OperationKind::kReferences:
      return ReadAll<cim::Instance>(
          value, {"VALUE.NAMEDINSTANCE", "VALUE.OBJECTWITHPATH", "VALUE.INSTANCEWITHPATH"},
          read_with_path);
    case OperationKind::kEnumerateInstanceNames:
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferenceNames:
      return ReadAll<cim::ObjectPath>(value, {"INSTANCENAME", "OBJECTPATH", "INSTANCEPATH"},
                                      read_path);
    case OperationKind::kInvokeMethod:
      break;
  }
  return Failed("an intrinsic response to InvokeMethod");
}

// The empty answer of a kind whose IRETURNVALUE may be left out.
std::optional<OperationResult> EmptyResult(OperationKind kind) {
  switch (kind) {
    case OperationKind::kEnumerateClasses:
      return std::vector<cim::ClassDecl>{};
    case OperationKind::kEnumerateClassNames:
      return std::vector<std::string>{};
    case OperationKind::kEnumerateInstances:
    case OperationKind::kExecQuery:
    case OperationKind::kAssociators:
    case OperationKind::kReferences:
      return std::vector<cim::Instance>{};
    case OperationKind::kEnumerateInstanceNames:
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferenceNames:
      return std::vector<cim::ObjectPath>{};
    default:
      return std::nullopt;
  }
}

Result<cim::Value> ReadTypedValue(const pugi::xml_node& holder, std::optional<cim::CimType> type) {
  pugi::xml_node value = FirstElementChild(holder);
  if (!value) return cim::Value::Null(type.value_or(cim::CimType::kString));
  return ReadValue(value, type);
}

OperationResult ReadMethodResponse(const pugi::xml_node& response, std::string_view name_space) {
  cim::MethodResult result;
  for (pugi::xml_node child : response.children()) {
    if (IsElement(child, "RETURNVALUE")) {
      std::optional<cim::CimType> type = ReadTypeAttribute(child, "PARAMTYPE");
      if (!type) {
        pugi::xml_node value = FirstElementChild(child);
        bool is_number =
            IsElement(value, "VALUE") &&
            cim::Value::FromText(cim::CimType::kUint32, NodeText(value)).has_value();
        if (is_number) type = cim::CimType::kUint32;
      }
      Result<cim::Value> value = ReadTypedValue(child, type);
      if (!value.ok()) return Failed(value.error().message());
      result.return_value = std::move(*value);
    } else if (IsElement(child, "PARAMVALUE")) {
      cim::NamedValue named;
      named.name = AttributeValue(child, "NAME");
      std::optional<cim::CimType> type = ReadTypeAttribute(child, "PARAMTYPE");
      named.untyped = !type;
      Result<cim::Value> value = ReadTypedValue(child, type);
      if (!value.ok()) {
        return Failed(fmt::format("parameter '{}': {}", named.name, value.error().message()));
      }
      named.value = std::move(*value);
      if (named.value.type() == cim::CimType::kReference) named.untyped = false;
      if (!named.value.is_null() && !named.value.is_array() &&
          named.value.type() == cim::CimType::kReference &&
          named.value.AsReference().name_space().empty()) {
        cim::ObjectPath path = named.value.AsReference();
        FillNamespace(path, name_space);
        named.value = cim::Value::Reference(path);
      }
      result.out_parameters.push_back(std::move(named));
    }
  }
  return result;
}

}  // namespace

OperationResult DecodeResponse(std::string_view body, OperationKind kind,
                               std::string_view name_space) {
  pugi::xml_document doc;
  if (Result<void> parsed = ParseXmlDocument(body, &doc); !parsed.ok()) {
    return Failed(parsed.error().message());
  }
  pugi::xml_node cim_node = doc.document_element();
  if (!IsElement(cim_node, "CIM")) {
    return Failed(fmt::format("the root element is <{}>, not <CIM>", cim_node.name()));
  }
  pugi::xml_node response = FindChild(FindChild(FindChild(cim_node, "MESSAGE"), "SIMPLERSP"),
                                      kind == OperationKind::kInvokeMethod ? "METHODRESPONSE"
                                                                           : "IMETHODRESPONSE");
  if (!response) {
    return Failed(fmt::format("no MESSAGE/SIMPLERSP/{}",
                              kind == OperationKind::kInvokeMethod ? "METHODRESPONSE"
                                                                   : "IMETHODRESPONSE"));
  }
  if (pugi::xml_node error = FindChild(response, "ERROR")) return ReadError(error);
  if (kind == OperationKind::kInvokeMethod) return ReadMethodResponse(response, name_space);
  pugi::xml_node value = FindChild(response, "IRETURNVALUE");
  if (!value) {
    if (auto empty = EmptyResult(kind)) return *empty;
    return Failed(fmt::format("{} returned no IRETURNVALUE", cim::OperationKindName(kind)));
  }
  return ReadReturnValue(value, kind, name_space);
}

}  // namespace vsm::cimxml
