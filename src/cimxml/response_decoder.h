// DecodeResponse: the client's reader of DSP0200 responses (used by the `vsm` CLI and the
// tests). Reads everything EncodeResponse writes, and the variants other CIM servers send.
// Stateless and thread-safe.
#pragma once

#include <string_view>

#include "cim/operation.h"

namespace vsm::cimxml {

// The answer carried by `body` to an operation of `kind` (the alternatives operation.h lists).
// An ERROR element becomes its CimError; a body that is not a CIM-XML response of that kind
// becomes CIM_ERR_FAILED naming the fault. Paths sent without a namespace (INSTANCENAME in
// VALUE.NAMEDINSTANCE) get `name_space`. Method out-parameters without PARAMTYPE are strings
// marked NamedValue::untyped; a RETURNVALUE without PARAMTYPE is read as uint32 if it can be.
cim::OperationResult DecodeResponse(std::string_view body, cim::OperationKind kind,
                                    std::string_view name_space = {});

}  // namespace vsm::cimxml
