#include "cimxml/call_context.h"

namespace vsm::cimxml {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

RequestFailure ProtocolFailure(ProtocolError error, std::string message) {
  RequestFailure failure;
  failure.protocol_error = error;
  failure.message = std::move(message);
  return failure;
}

RequestFailure CallContext::Fault(cim::CimStatus status, std::string message) const {
  RequestFailure failure;
  failure.message = message;
  failure.error = cim::CimError{status, std::move(message)};
  failure.message_id = message_id;
  failure.method_name = method_name;
  failure.intrinsic = intrinsic;
  return failure;
}

std::string NamespaceFromCimObject(std::string_view cim_object) {
  std::string decoded = PercentDecode(cim_object);
  size_t colon = decoded.find(':');
  if (colon != std::string::npos) decoded.resize(colon);
  if (decoded.find('.') != std::string::npos || decoded.find('=') != std::string::npos) return {};
  return decoded;
}

void FillNamespace(cim::ObjectPath& path, const std::string& name_space) {
  if (path.name_space().empty()) path.set_name_space(name_space);
}

void FillReferenceNamespaces(cim::Value& value, const std::string& name_space) {
  if (value.is_null() || value.type() != cim::CimType::kReference) return;
  if (!value.is_array()) {
    if (!value.AsReference().name_space().empty()) return;
    cim::ObjectPath path = value.AsReference();
    FillNamespace(path, name_space);
    value = cim::Value::Reference(path);
    return;
  }
  std::vector<cim::Value> elements = value.elements();
  for (auto& element : elements) FillReferenceNamespaces(element, name_space);
  value = cim::Value::Array(cim::CimType::kReference, std::move(elements));
}

}  // namespace vsm::cimxml
