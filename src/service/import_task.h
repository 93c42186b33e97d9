// The work of an ImportVirtualSystem job: read the package, verify every byte, give the system
// its identity, and register it in place in one transaction.
#pragma once

#include <cstddef>
#include <filesystem>

#include "core/result.h"
#include "jobs/job_manager.h"

namespace vsm::store {
class Repository;
}

namespace vsm::service {

// REQUIRES: `package_directory` is absolute and canonical. Up to `max_parallel_files` files are
// verified at once. On any error or cancellation the catalogue is unchanged; the package is
// never modified.
Result<void> RunImport(store::Repository& repository, const std::filesystem::path& package_directory,
                       bool generate_new_id, size_t max_parallel_files,
                       jobs::JobContext& context);

}  // namespace vsm::service
