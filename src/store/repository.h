// Repository: the catalogue of virtual systems, jobs and users that vsmd owns. The contract of
// every implementation (SQLite on disk, the default; in memory, for tests). Each call is one
// transaction: on any error nothing is written. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
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

namespace vsm::store {

struct UserRecord {
  std::string name;
  Role role = Role::kReader;
  std::string password_hash;  // opaque to the store: "pbkdf2-sha256$<iterations>$<salt>$<hash>"
  bool operator==(const UserRecord&) const = default;
};

// The catalogue changes of one snapshot operation, written in one transaction in this order:
// remove_disks, remove_snapshot, add_snapshot, system, add_disks. On any error nothing is
// written.
struct SnapshotChange {
  std::vector<std::string> remove_disks;    // paths of CreatedDisk records to forget
  std::optional<Guid> remove_snapshot;      // as RemoveSnapshot
  std::optional<SnapshotRecord> add_snapshot;  // as AddSnapshot
  std::optional<SystemDefinition> system;   // as UpdateSystem
  std::vector<CreatedDisk> add_disks;       // as AddCreatedDisk
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Systems. A system is found by its Guid, by name, by the package directory that backs it, or
  // by the files its drives use.
  // Registers `system` with its drives and adapters. kSystemInUse naming the system if its Guid
  // is taken.
  virtual Result<void> AddSystem(const SystemDefinition& system) = 0;
  // Replaces the stored definition with the same Guid (its snapshots and created disks stay).
  // kInvalidParameter if there is none.
  virtual Result<void> UpdateSystem(const SystemDefinition& system) = 0;
  // Forgets a system with its snapshot records and CreatedDisk records (never a file).
  // kInvalidParameter if there is none.
  virtual Result<void> RemoveSystem(const Guid& id) = 0;
  virtual Result<std::optional<SystemDefinition>> FindSystem(const Guid& id) = 0;
  virtual Result<std::vector<SystemDefinition>> FindSystemsByName(std::string_view name) = 0;
  // The system whose package_directory is exactly `directory`, if any.
  virtual Result<std::optional<SystemDefinition>> FindSystemByPackageDirectory(
      std::string_view directory) = 0;
  // The systems that have a drive, or a snapshot with a drive, whose path is exactly `path`.
  virtual Result<std::vector<SystemDefinition>> FindSystemsUsingFile(std::string_view path) = 0;
  // Every system, ordered by name then Guid.
  virtual Result<std::vector<SystemDefinition>> ListSystems() = 0;

  // Snapshots.
  // Records `snapshot`. kInvalidParameter if its system does not exist, its Guid is taken, or its
  // parent is not a snapshot of the same system.
  virtual Result<void> AddSnapshot(const SnapshotRecord& snapshot) = 0;
  // Forgets a snapshot: its child snapshots get its parent as theirs, and so does its system's
  // parent_snapshot if it named this one. kInvalidParameter if there is none.
  virtual Result<void> RemoveSnapshot(const Guid& id) = 0;
  virtual Result<std::optional<SnapshotRecord>> FindSnapshot(const Guid& id) = 0;
  // The snapshots of `system`, oldest first (then by Guid).
  virtual Result<std::vector<SnapshotRecord>> ListSnapshots(const Guid& system) = 0;
  // Records a disk vsm created. kInvalidParameter if its system does not exist or the path is
  // already recorded.
  virtual Result<void> AddCreatedDisk(const CreatedDisk& disk) = 0;
  // The disks vsm created for `system`, ordered by path.
  virtual Result<std::vector<CreatedDisk>> ListCreatedDisks(const Guid& system) = 0;
  // Writes every part of `change` in one transaction (see SnapshotChange); the errors are those
  // of the parts, plus kInvalidParameter for a remove_disks path that is not recorded.
  virtual Result<void> CommitSnapshotChange(const SnapshotChange& change) = 0;

  // Registers an imported system with its snapshot tree and the disks vsm may delete for it,
  // in one transaction: `system` as AddSystem, then each of `snapshots` (parents before their
  // children) as AddSnapshot, then each of `disks` as AddCreatedDisk. On any error nothing is
  // written.
  virtual Result<void> AddSystemWithSnapshots(const SystemDefinition& system,
                                              const std::vector<SnapshotRecord>& snapshots,
                                              const std::vector<CreatedDisk>& disks) = 0;

  // Jobs.
  // Inserts or replaces the record with the same id.
  virtual Result<void> SaveJob(const JobRecord& job) = 0;
  virtual Result<std::optional<JobRecord>> FindJob(std::string_view id) = 0;
  // Every job, oldest submitted first.
  virtual Result<std::vector<JobRecord>> ListJobs() = 0;
  // kInvalidParameter if there is none.
  virtual Result<void> RemoveJob(std::string_view id) = 0;

  // Users.
  // Inserts or replaces the user with the same name.
  virtual Result<void> SaveUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> FindUser(std::string_view name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  virtual Result<void> RemoveUser(std::string_view name) = 0;
};

// Opens (creating if needed) the SQLite catalogue at `path`: WAL mode, foreign keys on, schema
// migrated to the current version. kFailed naming the file and SQLite's message if it cannot.
Result<std::unique_ptr<Repository>> OpenSqliteRepository(const std::filesystem::path& path);

// A Repository that lives in memory, for tests.
std::unique_ptr<Repository> NewInMemoryRepository();

}  // namespace vsm::store
