#include "store/repository_errors.h"

#include <fmt/format.h>

namespace vsm::store {

Error SystemExistsError(const SystemDefinition& existing) {
  return Error::SystemInUse(fmt::format("virtual system '{}' ({}) already exists", existing.name,
                                        existing.id.ToString()));
}

Error NoSuchSystemError(const Guid& id) {
  return Error::InvalidParameter(fmt::format("virtual system {} does not exist", id.ToString()));
}

Error SnapshotExistsError(const SnapshotRecord& existing) {
  return Error::InvalidParameter(fmt::format("snapshot '{}' ({}) already exists", existing.name,
                                             existing.id.ToString()));
}

Error NoSuchSnapshotError(const Guid& id) {
  return Error::InvalidParameter(fmt::format("snapshot {} does not exist", id.ToString()));
}

Error ForeignParentSnapshotError(const SnapshotRecord& snapshot) {
  return Error::InvalidParameter(fmt::format(
      "snapshot '{}' ({}) names parent snapshot {}, which is not a snapshot of virtual system {}",
      snapshot.name, snapshot.id.ToString(), snapshot.parent.ToString(),
      snapshot.system.ToString()));
}

Error CreatedDiskExistsError(std::string_view path) {
  return Error::InvalidParameter(fmt::format("disk '{}' is already recorded as created by vsm", path));
}

Error NoSuchCreatedDiskError(std::string_view path) {
  return Error::InvalidParameter(fmt::format("disk '{}' is not recorded as created by vsm", path));
}

Error NoSuchJobError(std::string_view id) {
  return Error::InvalidParameter(fmt::format("job '{}' does not exist", id));
}

Error NoSuchUserError(std::string_view name) {
  return Error::InvalidParameter(fmt::format("user '{}' does not exist", name));
}

}  // namespace vsm::store
