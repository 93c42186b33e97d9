// ParseMof: reads the subset of DMTF MOF (DSP0221) that schema/*.mof uses — class declarations
// with qualifiers, properties (scalar, array, REF, default values) and methods with parameters —
// into ClassDecls whose inherited members are not yet resolved (ClassRegistry does that).
#pragma once

#include <string_view>
#include <vector>

#include "cim/cim_class.h"
#include "core/result.h"

namespace vsm::cim {

// `source_name` names the text in errors: "<source_name>:<line>:<column>: <what>".
Result<std::vector<ClassDecl>> ParseMof(std::string_view text, std::string_view source_name);

}  // namespace vsm::cim
