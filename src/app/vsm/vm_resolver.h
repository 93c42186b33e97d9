// ResolveSystem: turns the VM argument of a command (a GUID, or a name that must be unique) into
// one of the virtual systems vsmd listed. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "app/vsm/system_view.h"
#include "core/result.h"

namespace vsm::cli {

// The index in `systems` of the system `argument` designates: the one whose id equals it as a
// GUID (any case, braces allowed), else the one named exactly `argument`, else the one named
// `argument` ignoring case. kInvalidParameter when no system matches or several do, listing the
// candidates (name and GUID) so that the user can pick.
Result<size_t> ResolveSystem(std::string_view argument, const std::vector<SystemView>& systems);

}  // namespace vsm::cli
