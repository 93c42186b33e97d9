// ProtocolError: a request that cannot be answered in CIM-XML at all. The HTTP layer answers it
// with the status and the `CIMError:` header value DSP0200 §7.5 gives (the codes as OpenPegasus's
// decoder spells them). Faults inside a well-formed request are CIM errors instead.
#pragma once

#include <string_view>

namespace vsm::cimxml {

enum class ProtocolError {
  kRequestNotWellFormed,         // 400: not XML (wbemcli's raw '&', a truncated body)
  kRequestNotValid,              // 400: XML, but not a CIM-XML request (wrong root, no path)
  kUnsupportedOperation,         // 400: CIMOperation other than MethodCall; export requests
  kMultipleRequestsUnsupported,  // 501: MULTIREQ
  kUnsupportedCimVersion,        // 501: CIMVERSION not 2.x
  kUnsupportedDtdVersion,        // 501: DTDVERSION not 2.x
  kUnsupportedProtocolVersion,   // 501: PROTOCOLVERSION / CIMProtocolVersion not 1.x
};

// The `CIMError:` header value: "request-not-well-formed", ...
std::string_view ProtocolErrorHeaderValue(ProtocolError error);
// 400 or 501.
int ProtocolErrorHttpStatus(ProtocolError error);

}  // namespace vsm::cimxml
