#include "client/cim_client.h"

#include <fmt/format.h>

#include "cim/object_path.h"
#include "cimxml/request_encoder.h"
#include "cimxml/response_decoder.h"

namespace vsm::client {
namespace {

constexpr int kHttpOk = 200;
constexpr int kHttpUnauthorized = 401;

ReturnCode ReturnCodeForCimStatus(cim::CimStatus status) {
  using cim::CimStatus;
  switch (status) {
    case CimStatus::kAccessDenied:
      return ReturnCode::kAccessDenied;
    case CimStatus::kInvalidNamespace:
    case CimStatus::kInvalidParameter:
    case CimStatus::kInvalidClass:
    case CimStatus::kNotFound:
    case CimStatus::kNoSuchProperty:
    case CimStatus::kInvalidQuery:
    case CimStatus::kMethodNotFound:
      return ReturnCode::kInvalidParameter;
    case CimStatus::kNotSupported:
    case CimStatus::kQueryLanguageNotSupported:
    case CimStatus::kMethodNotAvailable:
      return ReturnCode::kNotSupported;
    case CimStatus::kTypeMismatch:
      return ReturnCode::kIncorrectDataType;
    case CimStatus::kAlreadyExists:
      return ReturnCode::kSystemInUse;
    case CimStatus::kServerIsShuttingDown:
      return ReturnCode::kSystemNotAvailable;
    default:
      return ReturnCode::kFailed;
  }
}

std::string FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (cim::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

Error ErrorFromHttpStatus(const CimHttpReply& reply) {
  if (reply.status == kHttpUnauthorized) {
    return Error::AccessDenied(
        "vsmd refused the credentials (HTTP 401 Unauthorized); check USER:PASSWORD in the URL "
        "and that the user exists ('vsm user add' on the vsmd host)");
  }
  std::string cim_error = FindHeader(reply.headers, "CIMError");
  return Error::SystemNotAvailable(fmt::format(
      "vsmd answered HTTP {}{}", reply.status,
      cim_error.empty() ? "" : fmt::format(" (CIMError: {})", cim_error)));
}

std::vector<std::pair<std::string, std::string>> CimHeaders(const cim::Operation& operation) {
  cimxml::RequestHeaders headers = cimxml::RequestHeadersFor(operation);
  std::vector<std::pair<std::string, std::string>> list = {
      {"Content-Type", "application/xml; charset=\"utf-8\""},
      {"CIMProtocolVersion", "1.0"},
      {"CIMOperation", headers.cim_operation.empty() ? "MethodCall" : headers.cim_operation},
  };
  if (!headers.cim_method.empty()) list.emplace_back("CIMMethod", headers.cim_method);
  if (!headers.cim_object.empty()) list.emplace_back("CIMObject", headers.cim_object);
  return list;
}

}  // namespace

Error ErrorFromCimError(const cim::CimError& error) {
  return Error(ReturnCodeForCimStatus(error.status),
               fmt::format("{} ({}): {}", cim::CimStatusName(error.status),
                           static_cast<uint32_t>(error.status), error.description));
}

CimClient::CimClient(std::unique_ptr<CimTransport> transport, std::string name_space)
    : transport_(std::move(transport)), name_space_(std::move(name_space)) {}

Result<cim::OperationResult> CimClient::Call(cim::Operation operation) {
  operation.name_space = name_space_;
  std::string message_id = std::to_string(next_message_id_++);
  std::string body = cimxml::EncodeRequest(operation, message_id);
  Result<CimHttpReply> reply = transport_->PostCim(CimHeaders(operation), body);
  if (!reply.ok()) return Error::SystemNotAvailable(reply.error().message());
  if (reply->status != kHttpOk) return ErrorFromHttpStatus(*reply);
  cim::OperationResult result = cimxml::DecodeResponse(reply->body, operation.kind, name_space_);
  if (const auto* error = std::get_if<cim::CimError>(&result)) return ErrorFromCimError(*error);
  return result;
}

template <typename T>
Result<T> CimClient::CallExpecting(cim::Operation operation) {
  cim::OperationKind kind = operation.kind;
  VSM_ASSIGN_OR_RETURN(cim::OperationResult result, Call(std::move(operation)));
  if (T* value = std::get_if<T>(&result)) return std::move(*value);
  // DecodeResponse answers the shape of `kind` or a CimError; this is a codec defect.
  return Error::Failed(fmt::format("the answer to {} has an unexpected shape",
                                   cim::OperationKindName(kind)));
}

Result<cim::ClassDecl> CimClient::GetClass(std::string_view class_name) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kGetClass;
  operation.class_name = std::string(class_name);
  operation.local_only = false;
  operation.include_qualifiers = true;
  operation.include_class_origin = false;
  return CallExpecting<cim::ClassDecl>(std::move(operation));
}

Result<std::vector<cim::Instance>> CimClient::EnumerateInstances(
    std::string_view class_name, std::optional<std::vector<std::string>> property_list) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kEnumerateInstances;
  operation.class_name = std::string(class_name);
  operation.property_list = std::move(property_list);
  return CallExpecting<std::vector<cim::Instance>>(std::move(operation));
}

Result<std::vector<cim::ObjectPath>> CimClient::EnumerateInstanceNames(
    std::string_view class_name) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kEnumerateInstanceNames;
  operation.class_name = std::string(class_name);
  return CallExpecting<std::vector<cim::ObjectPath>>(std::move(operation));
}

Result<cim::Instance> CimClient::GetInstance(
    const cim::ObjectPath& path, std::optional<std::vector<std::string>> property_list) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kGetInstance;
  operation.object_path = path;
  operation.class_name = path.class_name();
  operation.property_list = std::move(property_list);
  VSM_ASSIGN_OR_RETURN(cim::Instance instance,
                       CallExpecting<cim::Instance>(std::move(operation)));
  // GetInstance answers an INSTANCE without its path; the caller asked for this one.
  if (instance.path().class_name().empty()) instance.set_path(path);
  return instance;
}

Result<std::vector<cim::Instance>> CimClient::ExecQuery(std::string_view wql) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kExecQuery;
  operation.query_language = "WQL";
  operation.query = std::string(wql);
  return CallExpecting<std::vector<cim::Instance>>(std::move(operation));
}

Result<std::vector<cim::Instance>> CimClient::Associators(const cim::ObjectPath& path,
                                                          std::string_view assoc_class,
                                                          std::string_view result_class) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kAssociators;
  operation.object_path = path;
  operation.class_name = path.class_name();
  operation.assoc_class = std::string(assoc_class);
  operation.result_class = std::string(result_class);
  return CallExpecting<std::vector<cim::Instance>>(std::move(operation));
}

Result<cim::MethodResult> CimClient::InvokeMethod(const cim::ObjectPath& target,
                                                  std::string_view method,
                                                  std::vector<cim::NamedValue> parameters) {
  cim::Operation operation;
  operation.kind = cim::OperationKind::kInvokeMethod;
  operation.object_path = target;
  operation.class_name = target.class_name();
  operation.method_name = std::string(method);
  operation.parameters = std::move(parameters);
  return CallExpecting<cim::MethodResult>(std::move(operation));
}

}  // namespace vsm::client
