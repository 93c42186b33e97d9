// ResolveSnapshot: turns the snapshot argument of `vsm snapshot apply|remove` (a GUID, an
// InstanceID "Microsoft:<GUID>", or a name that must be unique) into one of the snapshots of a
// virtual system. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "app/vsm/snapshot_view.h"
#include "app/vsm/system_view.h"
#include "core/result.h"

namespace vsm::cli {

// The index in `snapshots` (those of `system`) of the snapshot `argument` designates: the one
// whose id equals it as a GUID (any case, braces or a "Microsoft:" prefix allowed), else the one
// named exactly `argument`, else the one named `argument` ignoring case. kInvalidParameter when
// none or several match, naming the system and listing the candidates (name, GUID and creation
// time) so that the user can pick.
Result<size_t> ResolveSnapshot(std::string_view argument, const SystemView& system,
                               const std::vector<SnapshotView>& snapshots);

}  // namespace vsm::cli
