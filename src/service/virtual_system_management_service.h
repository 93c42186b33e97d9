// VirtualSystemManagementService: the operations of Hyper-V's Msvm_VirtualSystemManagementService
// with their exact return codes, as a plain C++ API (no CIM, no HTTP). Every method checks its
// parameters and the caller's role first; long operations start a job and return its record
// (the caller answers 4096 with a reference to it). Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/guid.h"
#include "core/job_record.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/snapshot.h"
#include "core/system_definition.h"
#include "disk/copy_batch.h"

namespace vsm::jobs {
class JobManager;
}
namespace vsm::store {
class Repository;
}

namespace vsm::service {

struct ServiceOptions {
  std::filesystem::path data_root;  // owned by vsmd: vsm.db, .staging/, ...
  // How many disk files one export or import job copies or verifies at once.
  size_t max_parallel_files = disk::kDefaultMaxParallelFiles;
};

struct ExportRequest {
  Guid system;                   // Msvm_ComputerSystem.Name of the system to export
  bool copy_vm_state = true;     // TRUE: copy the disks into the package
  std::string export_directory;  // absolute; the package is written to <dir>/<ElementName>/
};

struct ImportRequest {
  std::string import_directory;  // absolute; the package directory (<ExportDirectory>/<ElementName>)
  bool generate_new_id = false;
};

// Changes ModifyVirtualSystem may make; unset fields are left as they are.
struct SystemChanges {
  Guid system;
  std::optional<std::string> name;
  std::optional<std::string> notes;
  std::optional<uint64_t> memory_mb;
  std::optional<uint32_t> processor_count;
};

struct SnapshotRequest {
  Guid system;       // Msvm_ComputerSystem.Name of the system to snapshot
  std::string name;  // ElementName; empty: Hyper-V's "<system> - (<local time>)"
};

// A started CreateVirtualSystemSnapshot: the job, and the Guid the snapshot has once the job
// completes (its VSSD is "Microsoft:<snapshot>").
struct SnapshotJob {
  JobRecord job;
  Guid snapshot;
};

struct ApplySnapshotRequest {
  Guid system;    // the system the snapshot belongs to; null: the snapshot's own
  Guid snapshot;
};

class VirtualSystemManagementService {
 public:
  VirtualSystemManagementService(store::Repository& repository, jobs::JobManager& jobs,
                                 ServiceOptions options);

  // Registers a new system over existing disk files (used in place; each must exist and be a
  // valid VHD or VHDX: kInvalidParameter naming the file otherwise; ISO files must exist). A new
  // Guid and BIOS Guid are generated when `definition` has null ones, dynamic MACs when empty.
  // Returns the stored definition. kAccessDenied for a reader.
  Result<SystemDefinition> DefineVirtualSystem(const Principal& caller, SystemDefinition definition);

  // Forgets a system and its snapshot records; deletes no file, not even the differencing disks
  // its snapshots made (the current disks stay a chain that opens). kInvalidParameter if
  // unknown, kSystemInUse if a job is working on it, kInvalidState if it is running.
  Result<void> DestroyVirtualSystem(const Principal& caller, const Guid& system);

  // Applies `changes`. kInvalidParameter if unknown or a value is out of range.
  Result<SystemDefinition> ModifyVirtualSystem(const Principal& caller, const SystemChanges& changes);

  // Msvm_ComputerSystem.RequestStateChange: vsm has no hypervisor backend, so every state change
  // answers kNotSupported (after the role and existence checks).
  Result<void> RequestSystemStateChange(const Principal& caller, const Guid& system,
                                        uint16_t requested_state);

  // Starts an export job. Checked at once: kAccessDenied; unknown system or an ExportDirectory
  // that is empty, relative, missing or not a directory: kInvalidParameter; a running system:
  // kInvalidState. The job writes <dir>/<ElementName>/ under a hidden name and renames it into
  // place; an existing <ElementName> is never overwritten (the job fails, kInvalidParameter).
  Result<JobRecord> ExportVirtualSystem(const Principal& caller, const ExportRequest& request);

  // Starts an import job. Checked at once: kAccessDenied; a null, empty, relative, missing or
  // non-directory ImportDirectory: kInvalidParameter. Everything else is reported by the job:
  // the package is validated whole (structure, every file's size and SHA-256, each disk's
  // headers) before the system is registered, in one transaction, in place (the package's files
  // become the system's) and in EnabledState 3. A package already backing a system, or a kept
  // Guid that exists: kSystemInUse naming that system. Passing the export directory instead of
  // its subdirectory: kInvalidParameter naming the subdirectories to pass.
  Result<JobRecord> ImportVirtualSystem(const Principal& caller, const ImportRequest& request);

  // Starts a snapshot job (see RunCreateSnapshot). Checked at once: kAccessDenied; an unknown
  // system or a name that is not a valid ElementName: kInvalidParameter; a system that is not
  // off: kInvalidState; a system with kMaxSnapshotsPerSystem snapshots: kInvalidState. A job
  // already working on the system makes this one fail at once with kSystemInUse.
  Result<SnapshotJob> CreateVirtualSystemSnapshot(const Principal& caller,
                                                  const SnapshotRequest& request);

  // Starts a job that makes the snapshot the system's current state (see RunApplySnapshot).
  // kAccessDenied; an unknown snapshot, or a system that is not the snapshot's:
  // kInvalidParameter; a system that is not off: kInvalidState.
  Result<JobRecord> ApplyVirtualSystemSnapshot(const Principal& caller,
                                               const ApplySnapshotRequest& request);

  // Starts a job that removes the snapshot (see RunRemoveSnapshot). kAccessDenied; an unknown
  // snapshot: kInvalidParameter; a system that is not off: kInvalidState.
  Result<JobRecord> RemoveVirtualSystemSnapshot(const Principal& caller, const Guid& snapshot);

  // Queries (any role).
  // The system's snapshots, oldest first; kInvalidParameter if the system does not exist.
  Result<std::vector<SnapshotRecord>> ListSnapshots(const Guid& system);
  Result<std::optional<SnapshotRecord>> FindSnapshot(const Guid& snapshot);
  Result<std::vector<SystemDefinition>> ListSystems();
  Result<std::optional<SystemDefinition>> FindSystem(const Guid& system);
  Result<std::vector<JobRecord>> ListJobs();
  Result<std::optional<JobRecord>> FindJob(const std::string& job_id);

  // Msvm_ConcreteJob.RequestStateChange: 4 (Terminate) cancels a running job, whose work is
  // rolled back and which ends in JobState 8 (5, Kill, does the same). Other states:
  // kNotSupported. kInvalidParameter for an unknown job; kInvalidState if it has finished;
  // kAccessDenied for a reader.
  Result<void> RequestJobStateChange(const Principal& caller, const std::string& job_id,
                                     uint16_t requested_state);

 private:
  // The snapshot a request names: kInvalidParameter if it is null or unknown.
  Result<SnapshotRecord> FindSnapshotParameter(const Guid& id);
  // The system of `snapshot`, which must be off (kInvalidState naming `action`).
  Result<SystemDefinition> FindSnapshotSystem(const SnapshotRecord& snapshot, std::string_view action);

  store::Repository& repository_;
  jobs::JobManager& jobs_;
  ServiceOptions options_;
};

}  // namespace vsm::service
