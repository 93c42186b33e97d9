// The messages every Repository implementation gives for the same condition, in one place so
// that the SQLite and in-memory implementations cannot drift apart.
#pragma once

#include <string_view>

#include "core/error.h"
#include "core/snapshot.h"
#include "core/system_definition.h"

namespace vsm::store {

Error SystemExistsError(const SystemDefinition& existing);
Error NoSuchSystemError(const Guid& id);
Error SnapshotExistsError(const SnapshotRecord& existing);
Error NoSuchSnapshotError(const Guid& id);
// `snapshot` names a parent that is not a snapshot of its system.
Error ForeignParentSnapshotError(const SnapshotRecord& snapshot);
Error CreatedDiskExistsError(std::string_view path);
Error NoSuchCreatedDiskError(std::string_view path);
Error NoSuchJobError(std::string_view id);
Error NoSuchUserError(std::string_view name);

}  // namespace vsm::store
