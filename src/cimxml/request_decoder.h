// DecodeRequest: the server's reader of DSP0200 requests. Turns a CIM-XML body (plus the CIM
// HTTP headers) into a cim::Operation, or says how the request must be refused. Lenient where
// wbemcli needs it (cim-xml-and-wbemcli.md §0.7), strict about well-formedness (§0.8).
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "cim/operation.h"
#include "cimxml/protocol_error.h"

namespace vsm::cimxml {

// The CIM headers of the HTTP request, as received ("" when absent).
struct RequestHeaders {
  std::string cim_operation;         // CIMOperation: "MethodCall"
  std::string cim_method;            // CIMMethod (not checked against the body; PEG is stricter)
  std::string cim_object;            // CIMObject, %-encoded; its namespace is used when the body
                                     // has none
  std::string cim_protocol_version;  // CIMProtocolVersion: "1.0"
};

struct DecodedRequest {
  cim::Operation operation;
  std::string message_id;  // MESSAGE ID, echoed in the response
};

// A request that cannot be carried out.
//   protocol_error set: answer HTTP ProtocolErrorHttpStatus() with header
//     `CIMError: ProtocolErrorHeaderValue()` and no CIM-XML body.
//   otherwise: a well-formed request with a CIM fault; answer HTTP 200 with
//     EncodeFailureResponse(failure) (an ERROR element in the (I)METHODRESPONSE).
struct RequestFailure {
  std::optional<ProtocolError> protocol_error;
  std::string message;  // what is wrong and how to fix it; the ERROR DESCRIPTION for CIM faults
  cim::CimError error;  // when !protocol_error
  std::string message_id;
  std::string method_name;  // IMETHODCALL/METHODCALL NAME
  bool intrinsic = true;    // IMETHODCALL (true) or METHODCALL (false)
};

using DecodeRequestResult = std::variant<DecodedRequest, RequestFailure>;

// Decodes one SIMPLEREQ. Intrinsic parameters take DSP0200's defaults when absent (GetClass:
// LocalOnly, IncludeQualifiers TRUE; EnumerateClasses/Names: DeepInheritance FALSE), except that
// LocalOnly defaults to FALSE for instance operations (DSP0200 deprecates TRUE there). Paths
// without a namespace (INSTANCENAME, CLASSNAME) get the request's namespace. Method parameters
// without PARAMTYPE are strings marked NamedValue::untyped.
// Failures: not XML -> request-not-well-formed; not a CIM SIMPLEREQ or no target path ->
// request-not-valid; MULTIREQ -> multiple-requests-unsupported; export requests or a CIMOperation
// other than MethodCall -> unsupported-operation; an intrinsic method vsm does not implement ->
// CIM_ERR_NOT_SUPPORTED; missing, duplicate, unknown or malformed parameters ->
// CIM_ERR_INVALID_PARAMETER.
DecodeRequestResult DecodeRequest(std::string_view body, const RequestHeaders& headers = {});

}  // namespace vsm::cimxml
