#include "cimxml/request_decoder.h"

#include <fmt/format.h>

#include "cimxml/call_context.h"
#include "cimxml/intrinsic_call_decoder.h"
#include "cimxml/method_call_decoder.h"
#include "cimxml/xml_reader.h"

namespace vsm::cimxml {
namespace {

bool IsMajorVersion(std::string_view version, char major) {
  return version.size() >= 1 && version[0] == major &&
         (version.size() == 1 || version[1] == '.');
}

}  // namespace

DecodeRequestResult DecodeRequest(std::string_view body, const RequestHeaders& headers) {
  if (!headers.cim_operation.empty() &&
      !cim::EqualsIgnoreCase(headers.cim_operation, "MethodCall")) {
    return ProtocolFailure(ProtocolError::kUnsupportedOperation,
                    fmt::format("CIMOperation '{}' is not supported; send MethodCall",
                                headers.cim_operation));
  }
  if (!headers.cim_protocol_version.empty() &&
      !IsMajorVersion(headers.cim_protocol_version, '1')) {
    return ProtocolFailure(ProtocolError::kUnsupportedProtocolVersion,
                    fmt::format("CIMProtocolVersion '{}' is not supported; send 1.0",
                                headers.cim_protocol_version));
  }

  pugi::xml_document doc;
  if (Result<void> parsed = ParseXmlDocument(body, &doc); !parsed.ok()) {
    return ProtocolFailure(ProtocolError::kRequestNotWellFormed, parsed.error().message());
  }
  pugi::xml_node cim_node = doc.document_element();
  if (!IsElement(cim_node, "CIM")) {
    return ProtocolFailure(ProtocolError::kRequestNotValid,
                    fmt::format("The root element is <{}>; a CIM-XML request starts with <CIM>",
                                cim_node.name()));
  }
  std::string cim_version = AttributeValue(cim_node, "CIMVERSION");
  if (!cim_version.empty() && !IsMajorVersion(cim_version, '2')) {
    return ProtocolFailure(ProtocolError::kUnsupportedCimVersion,
                    fmt::format("CIMVERSION '{}' is not supported; send 2.0", cim_version));
  }
  std::string dtd_version = AttributeValue(cim_node, "DTDVERSION");
  if (!dtd_version.empty() && !IsMajorVersion(dtd_version, '2')) {
    return ProtocolFailure(ProtocolError::kUnsupportedDtdVersion,
                    fmt::format("DTDVERSION '{}' is not supported; send 2.0", dtd_version));
  }
  pugi::xml_node message = FindChild(cim_node, "MESSAGE");
  if (!message) {
    return ProtocolFailure(ProtocolError::kRequestNotValid, "<CIM> holds no <MESSAGE>");
  }
  std::string protocol_version = AttributeValue(message, "PROTOCOLVERSION");
  if (!protocol_version.empty() && !IsMajorVersion(protocol_version, '1')) {
    return ProtocolFailure(ProtocolError::kUnsupportedProtocolVersion,
                    fmt::format("PROTOCOLVERSION '{}' is not supported; send 1.0",
                                protocol_version));
  }
  CallContext context;
  context.message_id = AttributeValue(message, "ID");
  if (context.message_id.empty()) {
    return ProtocolFailure(ProtocolError::kRequestNotValid, "<MESSAGE> lacks its ID attribute");
  }

  pugi::xml_node request = FirstElementChild(message);
  if (IsElement(request, "MULTIREQ")) {
    return ProtocolFailure(ProtocolError::kMultipleRequestsUnsupported,
                    "MULTIREQ is not supported; send one SIMPLEREQ per HTTP request");
  }
  if (IsElement(request, "SIMPLEEXPREQ") || IsElement(request, "MULTIEXPREQ")) {
    return ProtocolFailure(ProtocolError::kUnsupportedOperation,
                    "Export requests are not supported: vsmd is not a CIM listener");
  }
  if (!IsElement(request, "SIMPLEREQ")) {
    return ProtocolFailure(ProtocolError::kRequestNotValid,
                    fmt::format("<MESSAGE> holds <{}>; a request holds <SIMPLEREQ>",
                                request ? request.name() : ""));
  }
  pugi::xml_node call;
  for (pugi::xml_node child : request.children()) {
    if (child.type() == pugi::node_element && !IsElement(child, "CORRELATOR")) {
      call = child;
      break;
    }
  }
  if (IsElement(call, "EXPMETHODCALL")) {
    return ProtocolFailure(ProtocolError::kUnsupportedOperation,
                    "EXPMETHODCALL is not supported: vsmd is not a CIM listener");
  }
  bool intrinsic = IsElement(call, "IMETHODCALL");
  if (!intrinsic && !IsElement(call, "METHODCALL")) {
    return ProtocolFailure(ProtocolError::kRequestNotValid,
                    "<SIMPLEREQ> holds neither <IMETHODCALL> nor <METHODCALL>");
  }
  context.intrinsic = intrinsic;
  context.method_name = AttributeValue(call, "NAME");
  if (context.method_name.empty()) {
    return ProtocolFailure(ProtocolError::kRequestNotValid,
                    fmt::format("<{}> lacks its NAME attribute", call.name()));
  }
  return intrinsic ? DecodeIntrinsicCall(call, context, headers)
                   : DecodeMethodCall(call, context, headers);
}

}  // namespace vsm::cimxml
