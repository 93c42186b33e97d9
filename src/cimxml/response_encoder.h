// EncodeResponse: the server's writer of DSP0200 responses, byte for byte what wbemcli 1.6.3
// accepts (cim-xml-and-wbemcli.md §0): the `<?xml version="1.0" encoding="utf-8" ?>`
// declaration, only the attributes of §2.5, RETURNVALUE before PARAMVALUEs, null out-parameters
// omitted, references as LOCALINSTANCEPATH, ERROR without children. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "cim/operation.h"
#include "cimxml/request_decoder.h"

namespace vsm::cimxml {

// The CIM-XML body answering `operation` with `result`, as MESSAGE `message_id`.
//   GetClass: CLASS (qualifiers only if operation.include_qualifiers, CLASSORIGIN only if
//     operation.include_class_origin); EnumerateClasses: CLASS*; EnumerateClassNames: CLASSNAME*;
//   GetInstance: INSTANCE; EnumerateInstances: VALUE.NAMEDINSTANCE*; EnumerateInstanceNames:
//     INSTANCENAME*; ExecQuery, Associators, References: VALUE.OBJECTWITHPATH*;
//     AssociatorNames, ReferenceNames: OBJECTPATH*;
//   InvokeMethod: METHODRESPONSE NAME=operation.method_name with RETURNVALUE then the non-null
//     out-parameters.
//   A CimError: ERROR CODE DESCRIPTION inside the (I)METHODRESPONSE.
// The result is written as given: PropertyList, LocalOnly and DeepInheritance are the
// dispatcher's to apply. A result of the wrong shape for the kind answers CIM_ERR_FAILED.
std::string EncodeResponse(const cim::OperationResult& result, const cim::Operation& operation,
                           std::string_view message_id);

// The ERROR response to a request that failed with a CIM fault.
// REQUIRES: !failure.protocol_error.
std::string EncodeFailureResponse(const RequestFailure& failure);

// An ERROR response for `method_name` (intrinsic: IMETHODRESPONSE, else METHODRESPONSE).
std::string EncodeErrorResponse(const cim::CimError& error, std::string_view method_name,
                                bool intrinsic, std::string_view message_id);

}  // namespace vsm::cimxml
