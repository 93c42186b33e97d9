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

Error NoSuchJobError(std::string_view id) {
  return Error::InvalidParameter(fmt::format("job '{}' does not exist", id));
}

Error NoSuchUserError(std::string_view name) {
  return Error::InvalidParameter(fmt::format("user '{}' does not exist", name));
}

}  // namespace vsm::store
