#include "cimxml/protocol_error.h"

namespace vsm::cimxml {
namespace {

struct ProtocolErrorEntry {
  ProtocolError error;
  std::string_view header_value;
  int http_status;
};

constexpr ProtocolErrorEntry kProtocolErrors[] = {
    {ProtocolError::kRequestNotWellFormed, "request-not-well-formed", 400},
    {ProtocolError::kRequestNotValid, "request-not-valid", 400},
    {ProtocolError::kUnsupportedOperation, "unsupported-operation", 400},
    {ProtocolError::kMultipleRequestsUnsupported, "multiple-requests-unsupported", 501},
    {ProtocolError::kUnsupportedCimVersion, "unsupported-cim-version", 501},
    {ProtocolError::kUnsupportedDtdVersion, "unsupported-dtd-version", 501},
    {ProtocolError::kUnsupportedProtocolVersion, "unsupported-protocol-version", 501},
};

const ProtocolErrorEntry& Find(ProtocolError error) {
  for (const auto& entry : kProtocolErrors) {
    if (entry.error == error) return entry;
  }
  return kProtocolErrors[1];
}

}  // namespace

std::string_view ProtocolErrorHeaderValue(ProtocolError error) { return Find(error).header_value; }

int ProtocolErrorHttpStatus(ProtocolError error) { return Find(error).http_status; }

}  // namespace vsm::cimxml
