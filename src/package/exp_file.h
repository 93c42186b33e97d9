// The .exp file: a SystemDefinition as DSP0201 INSTANCE elements (Hyper-V's setting data
// classes and property names), inside a <vsm-definition> root. Drive paths are those the system
// used when it was exported; config.xml maps the exported ones to their place in the package.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "core/system_definition.h"

namespace vsm::package {

Result<void> WriteExpFile(const SystemDefinition& system, const std::filesystem::path& file);
// kInvalidParameter naming the file and what is wrong.
Result<SystemDefinition> ReadExpFile(const std::filesystem::path& file);

}  // namespace vsm::package
