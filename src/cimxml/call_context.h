// Pieces shared by the decoders of IMETHODCALL and METHODCALL: the failure constructors and the
// namespace helpers. Internal to cimxml/.
#pragma once

#include <string>
#include <string_view>

#include "cim/object_path.h"
#include "cim/operation.h"
#include "cim/value.h"
#include "cimxml/request_decoder.h"

namespace vsm::cimxml {

// A failure answered with an HTTP status and a CIMError header.
RequestFailure ProtocolFailure(ProtocolError error, std::string message);

// What is known of the request when a CIM fault is found; makes the failure that answers it.
struct CallContext {
  std::string message_id;
  std::string method_name;
  bool intrinsic = true;

  RequestFailure Fault(cim::CimStatus status, std::string message) const;
};

// The namespace part of a CIMObject header ("root%2Fvirtualization", or
// "root%2Fvirtualization%3AClass.Key=…"); "" if it names none.
std::string NamespaceFromCimObject(std::string_view cim_object);
// Gives `path` (or each reference in `value`) `name_space` if it has none.
void FillNamespace(cim::ObjectPath& path, const std::string& name_space);
void FillReferenceNamespaces(cim::Value& value, const std::string& name_space);

}  // namespace vsm::cimxml
