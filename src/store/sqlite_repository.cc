// The SQLite Repository: WAL mode, foreign keys, migrations, one transaction per call, prepared
// statements cached for the connection's life. One connection guarded by one mutex: vsmd's
// writes are small and few, and serialising them keeps every call atomic.
#include <sqlite3.h>

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "core/thread_annotations.h"
#include "store/migrations.h"
#include "store/repository.h"
#include "store/repository_errors.h"

namespace vsm::store {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

int64_t ToMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
TimePoint FromMicros(int64_t us) { return TimePoint(std::chrono::microseconds(us)); }

constexpr char kSystemColumns[] =
    "guid, name, enabled_state, memory_mb, processor_count, scsi_controller_count, notes, "
    "bios_guid, creation_time_us, package_directory, parent_snapshot";

constexpr char kSnapshotColumns[] =
    "guid, system_guid, parent_guid, name, creation_time_us, config_name, enabled_state, "
    "memory_mb, processor_count, scsi_controller_count, notes, bios_guid, "
    "config_creation_time_us, package_directory, config_parent_snapshot";

// A Guid column: '' for the null Guid.
std::string GuidText(const Guid& id) { return id.IsNull() ? std::string() : id.ToString(); }
Guid GuidFromText(const std::string& text) { return Guid::Parse(text).value_or(Guid()); }

// One prepared statement in use: bound, stepped, then reset for the next user.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { Reset(); }
  // Makes the statement ready to be bound and stepped again.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteRepository final : public Repository {
 public:
  SqliteRepository(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  ~SqliteRepository() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Result<void> AddSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Result<void> {
      VSM_ASSIGN_OR_RETURN(auto existing, LoadSystemLocked(system.id));
      if (existing) return SystemExistsError(*existing);
      return WriteSystemLocked(system);
    });
  }

  Result<void> UpdateSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Result<void> {
      VSM_ASSIGN_OR_RETURN(auto existing, LoadSystemLocked(system.id));
      if (!existing) return NoSuchSystemError(system.id);
      // In place, not delete and insert: the system's snapshots and created disks cascade on delete.
      return WriteSystemLocked(system, /*replace=*/true);
    });
  }

  Result<void> RemoveSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Result<void> {
      VSM_RETURN_IF_ERROR(Run("DELETE FROM systems WHERE guid = ?1", id.ToString()));
      if (sqlite3_changes(db_) == 0) return NoSuchSystemError(id);
      return Ok();
    });
  }

  Result<std::optional<SystemDefinition>> FindSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    return LoadSystemLocked(id);
  }

  Result<std::vector<SystemDefinition>> FindSystemsByName(std::string_view name) override {
    std::lock_guard lock(mutex_);
    return LoadSystemsLocked(fmt::format("SELECT {} FROM systems WHERE name = ?1 ORDER BY name, guid",
                                         kSystemColumns),
                             name);
  }

  Result<std::optional<SystemDefinition>> FindSystemByPackageDirectory(
      std::string_view directory) override {
    std::lock_guard lock(mutex_);
    if (directory.empty()) return std::optional<SystemDefinition>();
    VSM_ASSIGN_OR_RETURN(
        auto systems,
        LoadSystemsLocked(fmt::format("SELECT {} FROM systems WHERE package_directory = ?1 AND "
                                      "package_directory <> '' ORDER BY name, guid",
                                      kSystemColumns),
                          directory));
    if (systems.empty()) return std::optional<SystemDefinition>();
    return std::optional<SystemDefinition>(systems.front());
  }

  Result<std::vector<SystemDefinition>> FindSystemsUsingFile(std::string_view path) override {
    std::lock_guard lock(mutex_);
    return LoadSystemsLocked(
        fmt::format("SELECT {} FROM systems WHERE guid IN (SELECT system_guid FROM drives WHERE "
                    "path = ?1) OR guid IN (SELECT s.system_guid FROM snapshot_drives d JOIN "
                    "snapshots s ON s.guid = d.snapshot_guid WHERE d.path = ?1) ORDER BY name, guid",
                    kSystemColumns),
        path);
  }

  Result<std::vector<SystemDefinition>> ListSystems() override {
    std::lock_guard lock(mutex_);
    return LoadSystemsLocked(fmt::format("SELECT {} FROM systems ORDER BY name, guid", kSystemColumns),
                             std::nullopt);
  }

  Result<void> AddSnapshot(const SnapshotRecord& snapshot) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() { return AddSnapshotLocked(snapshot); });
  }

  Result<void> RemoveSnapshot(const Guid& id) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() { return RemoveSnapshotLocked(id); });
  }

  Result<std::optional<SnapshotRecord>> FindSnapshot(const Guid& id) override {
    std::lock_guard lock(mutex_);
    VSM_ASSIGN_OR_RETURN(auto snapshots,
                         LoadSnapshotsLocked(fmt::format("SELECT {} FROM snapshots WHERE guid = ?1",
                                                         kSnapshotColumns),
                                             id.ToString()));
    if (snapshots.empty()) return std::optional<SnapshotRecord>();
    return std::optional<SnapshotRecord>(std::move(snapshots.front()));
  }

  Result<std::vector<SnapshotRecord>> ListSnapshots(const Guid& system) override {
    std::lock_guard lock(mutex_);
    return LoadSnapshotsLocked(
        fmt::format("SELECT {} FROM snapshots WHERE system_guid = ?1 ORDER BY creation_time_us, guid",
                    kSnapshotColumns),
        system.ToString());
  }

  Result<void> AddCreatedDisk(const CreatedDisk& disk) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() { return AddCreatedDiskLocked(disk); });
  }

  Result<std::vector<CreatedDisk>> ListCreatedDisks(const Guid& system) override {
    std::lock_guard lock(mutex_);
    Statement s = Prepare(
        "SELECT path, parent_path, system_guid FROM created_disks WHERE system_guid = ?1 ORDER BY path");
    s.Bind(1, system.ToString());
    std::vector<CreatedDisk> disks;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      disks.push_back(CreatedDisk{s.Text(0), s.Text(1), GuidFromText(s.Text(2))});
    }
    VSM_RETURN_IF_ERROR(Check(rc, "listing the disks created for " + system.ToString()));
    return disks;
  }

  Result<void> CommitSnapshotChange(const SnapshotChange& change) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Result<void> {
      for (const std::string& path : change.remove_disks) {
        VSM_RETURN_IF_ERROR(Run("DELETE FROM created_disks WHERE path = ?1", path));
        if (sqlite3_changes(db_) == 0) return NoSuchCreatedDiskError(path);
      }
      if (change.remove_snapshot) VSM_RETURN_IF_ERROR(RemoveSnapshotLocked(*change.remove_snapshot));
      if (change.add_snapshot) VSM_RETURN_IF_ERROR(AddSnapshotLocked(*change.add_snapshot));
      if (change.system) {
        VSM_ASSIGN_OR_RETURN(auto existing, LoadSystemLocked(change.system->id));
        if (!existing) return NoSuchSystemError(change.system->id);
        VSM_RETURN_IF_ERROR(WriteSystemLocked(*change.system, /*replace=*/true));
      }
      for (const CreatedDisk& disk : change.add_disks) VSM_RETURN_IF_ERROR(AddCreatedDiskLocked(disk));
      return Ok();
    });
  }

  Result<void> AddSystemWithSnapshots(const SystemDefinition& system,
                                      const std::vector<SnapshotRecord>& snapshots,
                                      const std::vector<CreatedDisk>& disks) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Result<void> {
      VSM_ASSIGN_OR_RETURN(auto existing, LoadSystemLocked(system.id));
      if (existing) return SystemExistsError(*existing);
      VSM_RETURN_IF_ERROR(WriteSystemLocked(system));
      for (const SnapshotRecord& snapshot : snapshots) VSM_RETURN_IF_ERROR(AddSnapshotLocked(snapshot));
      for (const CreatedDisk& disk : disks) VSM_RETURN_IF_ERROR(AddCreatedDiskLocked(disk));
      return Ok();
    });
  }

  Result<void> SaveJob(const JobRecord& job) override {
    std::lock_guard lock(mutex_);
    Statement s = Prepare(
        "INSERT OR REPLACE INTO jobs (id, type, description, owner, state, percent_complete, "
        "error_code, error_description, error_summary_description, cancellable, "
        "time_submitted_us, start_time_us, end_time_us, time_of_last_state_change_us, "
        "time_before_removal_s, affected_system, cleanup_path) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    s.Bind(1, job.id).Bind(2, static_cast<int64_t>(job.type)).Bind(3, job.description);
    s.Bind(4, job.owner).Bind(5, static_cast<int64_t>(job.state));
    s.Bind(6, static_cast<int64_t>(job.percent_complete)).Bind(7, static_cast<int64_t>(job.error_code));
    s.Bind(8, job.error_description).Bind(9, job.error_summary_description);
    s.Bind(10, static_cast<int64_t>(job.cancellable)).Bind(11, ToMicros(job.time_submitted));
    job.start_time ? s.Bind(12, ToMicros(*job.start_time)) : s.BindNull(12);
    job.end_time ? s.Bind(13, ToMicros(*job.end_time)) : s.BindNull(13);
    s.Bind(14, ToMicros(job.time_of_last_state_change));
    s.Bind(15, static_cast<int64_t>(job.time_before_removal.count()));
    job.affected_system ? s.Bind(16, job.affected_system->ToString()) : s.BindNull(16);
    s.Bind(17, job.cleanup_path);
    return Check(s.Step(), "saving job " + job.id);
  }

  Result<std::optional<JobRecord>> FindJob(std::string_view id) override {
    std::lock_guard lock(mutex_);
    VSM_ASSIGN_OR_RETURN(auto jobs, LoadJobsLocked("SELECT * FROM jobs WHERE id = ?1", id));
    if (jobs.empty()) return std::optional<JobRecord>();
    return std::optional<JobRecord>(jobs.front());
  }

  Result<std::vector<JobRecord>> ListJobs() override {
    std::lock_guard lock(mutex_);
    return LoadJobsLocked("SELECT * FROM jobs ORDER BY time_submitted_us, id", std::nullopt);
  }

  Result<void> RemoveJob(std::string_view id) override {
    std::lock_guard lock(mutex_);
    VSM_RETURN_IF_ERROR(Run("DELETE FROM jobs WHERE id = ?1", id));
    if (sqlite3_changes(db_) == 0) return NoSuchJobError(id);
    return Ok();
  }

  Result<void> SaveUser(const UserRecord& user) override {
    std::lock_guard lock(mutex_);
    Statement s = Prepare("INSERT OR REPLACE INTO users (name, role, password_hash) VALUES (?1, ?2, ?3)");
    s.Bind(1, user.name).Bind(2, static_cast<int64_t>(user.role)).Bind(3, user.password_hash);
    return Check(s.Step(), "saving user '" + user.name + "'");
  }

  Result<std::optional<UserRecord>> FindUser(std::string_view name) override {
    std::lock_guard lock(mutex_);
    Statement s = Prepare("SELECT name, role, password_hash FROM users WHERE name = ?1");
    s.Bind(1, name);
    int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<UserRecord>();
    if (rc != SQLITE_ROW) return Failure("reading user '" + std::string(name) + "'");
    return std::optional<UserRecord>(
        UserRecord{s.Text(0), static_cast<Role>(s.Int(1)), s.Text(2)});
  }

  Result<std::vector<UserRecord>> ListUsers() override {
    std::lock_guard lock(mutex_);
    Statement s = Prepare("SELECT name, role, password_hash FROM users ORDER BY name");
    std::vector<UserRecord> users;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      users.push_back(UserRecord{s.Text(0), static_cast<Role>(s.Int(1)), s.Text(2)});
    }
    VSM_RETURN_IF_ERROR(Check(rc, "listing users"));
    return users;
  }

  Result<void> RemoveUser(std::string_view name) override {
    std::lock_guard lock(mutex_);
    VSM_RETURN_IF_ERROR(Run("DELETE FROM users WHERE name = ?1", name));
    if (sqlite3_changes(db_) == 0) return NoSuchUserError(name);
    return Ok();
  }

 private:
  Statement Prepare(const std::string& sql) REQUIRES(mutex_) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return Statement(found->second);
    sqlite3_stmt* stmt = nullptr;
    // Every SQL text here is a constant of this file; a prepare failure is a programming error
    // that the tests catch, reported through the step that follows.
    sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    statements_.emplace(sql, stmt);
    return Statement(stmt);
  }

  Error Failure(const std::string& what) REQUIRES(mutex_) {
    return Error::Failed(fmt::format("catalogue '{}': {} failed: {}", path_.string(), what,
                                     sqlite3_errmsg(db_)));
  }

  Result<void> Check(int rc, const std::string& what) REQUIRES(mutex_) {
    if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK) return Ok();
    return Failure(what);
  }

  Result<void> Run(const std::string& sql, std::string_view arg) REQUIRES(mutex_) {
    Statement s = Prepare(sql);
    s.Bind(1, arg);
    return Check(s.Step(), "'" + sql + "'");
  }

  template <typename Body>
  Result<void> InTransaction(Body body) REQUIRES(mutex_) {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Failure("beginning a transaction");
    }
    Result<void> outcome = body();
    if (outcome.ok() && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) {
      return Ok();
    }
    Error error = outcome.ok() ? Failure("committing") : outcome.error();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }

  // Writes the systems row (an UPDATE when `replace`, else an INSERT), then the drives and
  // adapters anew.
  Result<void> WriteSystemLocked(const SystemDefinition& system, bool replace = false)
      REQUIRES(mutex_) {
    std::string guid = system.id.ToString();
    {
      Statement s = Prepare(
          replace ? "UPDATE systems SET name = ?2, enabled_state = ?3, memory_mb = ?4, "
                    "processor_count = ?5, scsi_controller_count = ?6, notes = ?7, bios_guid = ?8, "
                    "creation_time_us = ?9, package_directory = ?10, parent_snapshot = ?11 "
                    "WHERE guid = ?1"
                  : fmt::format("INSERT INTO systems ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                "?9, ?10, ?11)",
                                kSystemColumns));
      s.Bind(1, guid).Bind(2, system.name).Bind(3, static_cast<int64_t>(system.enabled_state));
      s.Bind(4, static_cast<int64_t>(system.memory_mb)).Bind(5, static_cast<int64_t>(system.processor_count));
      s.Bind(6, static_cast<int64_t>(system.scsi_controller_count)).Bind(7, system.notes);
      s.Bind(8, system.bios_guid.ToString()).Bind(9, ToMicros(system.creation_time));
      s.Bind(10, system.package_directory).Bind(11, GuidText(system.parent_snapshot));
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing system " + guid));
    }
    if (replace) {
      VSM_RETURN_IF_ERROR(Run("DELETE FROM drives WHERE system_guid = ?1", guid));
      VSM_RETURN_IF_ERROR(Run("DELETE FROM network_adapters WHERE system_guid = ?1", guid));
    }
    return WriteDevicesLocked("drives", "network_adapters", "system_guid", guid, system);
  }

  // The drives and adapters of a system or a snapshot, into the tables named.
  Result<void> WriteDevicesLocked(std::string_view drives_table, std::string_view adapters_table,
                                  std::string_view owner_column, const std::string& owner,
                                  const SystemDefinition& system) REQUIRES(mutex_) {
    for (size_t i = 0; i < system.drives.size(); ++i) {
      const Drive& d = system.drives[i];
      Statement s = Prepare(fmt::format(
          "INSERT INTO {} ({}, ordinal, kind, controller, controller_index, slot, path) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
          drives_table, owner_column));
      s.Bind(1, owner).Bind(2, static_cast<int64_t>(i)).Bind(3, static_cast<int64_t>(d.kind));
      s.Bind(4, static_cast<int64_t>(d.controller)).Bind(5, static_cast<int64_t>(d.controller_index));
      s.Bind(6, static_cast<int64_t>(d.slot)).Bind(7, d.path);
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing a drive of " + owner));
    }
    for (size_t i = 0; i < system.network_adapters.size(); ++i) {
      const NetworkAdapter& a = system.network_adapters[i];
      Statement s = Prepare(fmt::format(
          "INSERT INTO {} ({}, ordinal, switch_name, mac_address, static_mac) "
          "VALUES (?1, ?2, ?3, ?4, ?5)",
          adapters_table, owner_column));
      s.Bind(1, owner).Bind(2, static_cast<int64_t>(i)).Bind(3, a.switch_name);
      s.Bind(4, a.mac_address).Bind(5, static_cast<int64_t>(a.static_mac));
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing an adapter of " + owner));
    }
    return Ok();
  }

  Result<void> AddSnapshotLocked(const SnapshotRecord& snapshot) REQUIRES(mutex_) {
    VSM_ASSIGN_OR_RETURN(auto system, LoadSystemLocked(snapshot.system));
    if (!system) return NoSuchSystemError(snapshot.system);
    std::string guid = snapshot.id.ToString();
    {
      Statement s = Prepare("SELECT name FROM snapshots WHERE guid = ?1");
      s.Bind(1, guid);
      int rc = s.Step();
      if (rc == SQLITE_ROW) return SnapshotExistsError(SnapshotRecord{.id = snapshot.id, .name = s.Text(0)});
      VSM_RETURN_IF_ERROR(Check(rc, "reading snapshot " + guid));
    }
    if (!snapshot.parent.IsNull()) {
      Statement s = Prepare("SELECT 1 FROM snapshots WHERE guid = ?1 AND system_guid = ?2");
      s.Bind(1, snapshot.parent.ToString()).Bind(2, snapshot.system.ToString());
      int rc = s.Step();
      if (rc == SQLITE_DONE) return ForeignParentSnapshotError(snapshot);
      VSM_RETURN_IF_ERROR(Check(rc, "reading snapshot " + snapshot.parent.ToString()));
    }
    const SystemDefinition& c = snapshot.configuration;
    {
      Statement s = Prepare(fmt::format(
          "INSERT INTO snapshots ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
          "?13, ?14, ?15)",
          kSnapshotColumns));
      s.Bind(1, guid).Bind(2, snapshot.system.ToString()).Bind(3, GuidText(snapshot.parent));
      s.Bind(4, snapshot.name).Bind(5, ToMicros(snapshot.creation_time)).Bind(6, c.name);
      s.Bind(7, static_cast<int64_t>(c.enabled_state)).Bind(8, static_cast<int64_t>(c.memory_mb));
      s.Bind(9, static_cast<int64_t>(c.processor_count));
      s.Bind(10, static_cast<int64_t>(c.scsi_controller_count)).Bind(11, c.notes);
      s.Bind(12, c.bios_guid.ToString()).Bind(13, ToMicros(c.creation_time));
      s.Bind(14, c.package_directory).Bind(15, GuidText(c.parent_snapshot));
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing snapshot " + guid));
    }
    return WriteDevicesLocked("snapshot_drives", "snapshot_network_adapters", "snapshot_guid", guid, c);
  }

  Result<void> RemoveSnapshotLocked(const Guid& id) REQUIRES(mutex_) {
    std::string guid = id.ToString();
    std::string parent;
    std::string system;
    {
      Statement s = Prepare("SELECT parent_guid, system_guid FROM snapshots WHERE guid = ?1");
      s.Bind(1, guid);
      int rc = s.Step();
      if (rc == SQLITE_DONE) return NoSuchSnapshotError(id);
      VSM_RETURN_IF_ERROR(Check(rc, "reading snapshot " + guid));
      parent = s.Text(0);
      system = s.Text(1);
    }
    {
      Statement s = Prepare("UPDATE snapshots SET parent_guid = ?1 WHERE parent_guid = ?2");
      s.Bind(1, parent).Bind(2, guid);
      VSM_RETURN_IF_ERROR(Check(s.Step(), "re-parenting the children of snapshot " + guid));
    }
    {
      Statement s = Prepare(
          "UPDATE systems SET parent_snapshot = ?1 WHERE guid = ?2 AND parent_snapshot = ?3");
      s.Bind(1, parent).Bind(2, system).Bind(3, guid);
      VSM_RETURN_IF_ERROR(Check(s.Step(), "re-parenting virtual system " + system));
    }
    return Run("DELETE FROM snapshots WHERE guid = ?1", guid);
  }

  Result<void> AddCreatedDiskLocked(const CreatedDisk& disk) REQUIRES(mutex_) {
    VSM_ASSIGN_OR_RETURN(auto system, LoadSystemLocked(disk.system));
    if (!system) return NoSuchSystemError(disk.system);
    Statement s = Prepare(
        "INSERT OR IGNORE INTO created_disks (path, parent_path, system_guid) VALUES (?1, ?2, ?3)");
    s.Bind(1, disk.path).Bind(2, disk.parent_path).Bind(3, disk.system.ToString());
    VSM_RETURN_IF_ERROR(Check(s.Step(), "recording disk '" + disk.path + "'"));
    if (sqlite3_changes(db_) == 0) return CreatedDiskExistsError(disk.path);
    return Ok();
  }

  Result<std::vector<SnapshotRecord>> LoadSnapshotsLocked(const std::string& sql,
                                                          std::string_view arg) REQUIRES(mutex_) {
    std::vector<SnapshotRecord> snapshots;
    {
      Statement s = Prepare(sql);
      s.Bind(1, arg);
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        SnapshotRecord snapshot;
        snapshot.id = GuidFromText(s.Text(0));
        snapshot.system = GuidFromText(s.Text(1));
        snapshot.parent = GuidFromText(s.Text(2));
        snapshot.name = s.Text(3);
        snapshot.creation_time = FromMicros(s.Int(4));
        SystemDefinition& c = snapshot.configuration;
        c.id = snapshot.system;
        c.name = s.Text(5);
        c.enabled_state = static_cast<EnabledState>(s.Int(6));
        c.memory_mb = static_cast<uint64_t>(s.Int(7));
        c.processor_count = static_cast<uint32_t>(s.Int(8));
        c.scsi_controller_count = static_cast<uint32_t>(s.Int(9));
        c.notes = s.Text(10);
        c.bios_guid = GuidFromText(s.Text(11));
        c.creation_time = FromMicros(s.Int(12));
        c.package_directory = s.Text(13);
        c.parent_snapshot = GuidFromText(s.Text(14));
        snapshots.push_back(std::move(snapshot));
      }
      VSM_RETURN_IF_ERROR(Check(rc, "reading snapshots"));
    }
    for (SnapshotRecord& snapshot : snapshots) {
      std::string guid = snapshot.id.ToString();
      {
        Statement s = Prepare(
            "SELECT kind, controller, controller_index, slot, path FROM snapshot_drives WHERE "
            "snapshot_guid = ?1 ORDER BY ordinal");
        s.Bind(1, guid);
        int rc;
        while ((rc = s.Step()) == SQLITE_ROW) {
          snapshot.configuration.drives.push_back(
              Drive{static_cast<DriveKind>(s.Int(0)), static_cast<ControllerKind>(s.Int(1)),
                    static_cast<uint32_t>(s.Int(2)), static_cast<uint32_t>(s.Int(3)), s.Text(4)});
        }
        VSM_RETURN_IF_ERROR(Check(rc, "reading the drives of snapshot " + guid));
      }
      {
        Statement s = Prepare(
            "SELECT switch_name, mac_address, static_mac FROM snapshot_network_adapters WHERE "
            "snapshot_guid = ?1 ORDER BY ordinal");
        s.Bind(1, guid);
        int rc;
        while ((rc = s.Step()) == SQLITE_ROW) {
          snapshot.configuration.network_adapters.push_back(
              NetworkAdapter{s.Text(0), s.Text(1), s.Int(2) != 0});
        }
        VSM_RETURN_IF_ERROR(Check(rc, "reading the adapters of snapshot " + guid));
      }
    }
    return snapshots;
  }

  Result<std::optional<SystemDefinition>> LoadSystemLocked(const Guid& id) REQUIRES(mutex_) {
    VSM_ASSIGN_OR_RETURN(
        auto systems,
        LoadSystemsLocked(fmt::format("SELECT {} FROM systems WHERE guid = ?1", kSystemColumns),
                          id.ToString()));
    if (systems.empty()) return std::optional<SystemDefinition>();
    return std::optional<SystemDefinition>(std::move(systems.front()));
  }

  // Runs a systems query (one optional text argument), then loads the rows' drives and adapters:
  // for a few systems, one primary-key lookup each; for many, one ordered pass over each table.
  Result<std::vector<SystemDefinition>> LoadSystemsLocked(const std::string& sql,
                                                          std::optional<std::string_view> arg)
      REQUIRES(mutex_) {
    std::vector<SystemDefinition> systems;
    {
      Statement s = Prepare(sql);
      if (arg) s.Bind(1, *arg);
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        SystemDefinition system;
        system.id = Guid::Parse(s.Text(0)).value_or(Guid());
        system.name = s.Text(1);
        system.enabled_state = static_cast<EnabledState>(s.Int(2));
        system.memory_mb = static_cast<uint64_t>(s.Int(3));
        system.processor_count = static_cast<uint32_t>(s.Int(4));
        system.scsi_controller_count = static_cast<uint32_t>(s.Int(5));
        system.notes = s.Text(6);
        system.bios_guid = Guid::Parse(s.Text(7)).value_or(Guid());
        system.creation_time = FromMicros(s.Int(8));
        system.package_directory = s.Text(9);
        system.parent_snapshot = GuidFromText(s.Text(10));
        systems.push_back(std::move(system));
      }
      VSM_RETURN_IF_ERROR(Check(rc, "reading systems"));
    }
    std::map<std::string, SystemDefinition*> by_guid;
    for (auto& system : systems) by_guid[system.id.ToString()] = &system;
    // For a whole-catalogue listing, two scans beat one lookup per system.
    bool all = systems.size() > 64;
    {
      Statement s = Prepare(all ? "SELECT system_guid, kind, controller, controller_index, slot, path "
                                  "FROM drives ORDER BY system_guid, ordinal"
                                : "SELECT system_guid, kind, controller, controller_index, slot, path "
                                  "FROM drives WHERE system_guid = ?1 ORDER BY ordinal");
      VSM_RETURN_IF_ERROR(ForEachChild(s, all, by_guid, [](Statement& row, SystemDefinition& system) {
        system.drives.push_back(Drive{static_cast<DriveKind>(row.Int(1)),
                                      static_cast<ControllerKind>(row.Int(2)),
                                      static_cast<uint32_t>(row.Int(3)),
                                      static_cast<uint32_t>(row.Int(4)), row.Text(5)});
      }));
    }
    {
      Statement s = Prepare(all ? "SELECT system_guid, switch_name, mac_address, static_mac FROM "
                                  "network_adapters ORDER BY system_guid, ordinal"
                                : "SELECT system_guid, switch_name, mac_address, static_mac FROM "
                                  "network_adapters WHERE system_guid = ?1 ORDER BY ordinal");
      VSM_RETURN_IF_ERROR(ForEachChild(s, all, by_guid, [](Statement& row, SystemDefinition& system) {
        system.network_adapters.push_back(
            NetworkAdapter{row.Text(1), row.Text(2), row.Int(3) != 0});
      }));
    }
    return systems;
  }

  template <typename AddRow>
  Result<void> ForEachChild(Statement& s, bool all, std::map<std::string, SystemDefinition*>& by_guid,
                            AddRow add) REQUIRES(mutex_) {
    auto consume = [&]() -> Result<void> {
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        auto owner = by_guid.find(s.Text(0));
        if (owner != by_guid.end()) add(s, *owner->second);
      }
      return Check(rc, "reading drives and adapters");
    };
    if (all) return consume();
    for (auto& [guid, system] : by_guid) {
      s.Bind(1, guid);
      VSM_RETURN_IF_ERROR(consume());
      s.Reset();
    }
    return Ok();
  }

  Result<std::vector<JobRecord>> LoadJobsLocked(const std::string& sql,
                                                std::optional<std::string_view> arg) REQUIRES(mutex_) {
    Statement s = Prepare(sql);
    if (arg) s.Bind(1, *arg);
    std::vector<JobRecord> jobs;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      JobRecord job;
      job.id = s.Text(0);
      job.type = static_cast<JobType>(s.Int(1));
      job.description = s.Text(2);
      job.owner = s.Text(3);
      job.state = static_cast<JobState>(s.Int(4));
      job.percent_complete = static_cast<uint16_t>(s.Int(5));
      job.error_code = static_cast<uint32_t>(s.Int(6));
      job.error_description = s.Text(7);
      job.error_summary_description = s.Text(8);
      job.cancellable = s.Int(9) != 0;
      job.time_submitted = FromMicros(s.Int(10));
      if (!s.IsNull(11)) job.start_time = FromMicros(s.Int(11));
      if (!s.IsNull(12)) job.end_time = FromMicros(s.Int(12));
      job.time_of_last_state_change = FromMicros(s.Int(13));
      job.time_before_removal = std::chrono::seconds(s.Int(14));
      if (!s.IsNull(15)) job.affected_system = Guid::Parse(s.Text(15));
      job.cleanup_path = s.Text(16);
      jobs.push_back(std::move(job));
    }
    VSM_RETURN_IF_ERROR(Check(rc, "reading jobs"));
    return jobs;
  }

  std::mutex mutex_;
  sqlite3* const db_;
  const std::filesystem::path path_;
  std::map<std::string, sqlite3_stmt*> statements_ GUARDED_BY(mutex_);
};

}  // namespace

Result<std::unique_ptr<Repository>> OpenSqliteRepository(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path.parent_path().empty() ? "." : path.parent_path(), ec)) {
    return Error::Failed(fmt::format("cannot open catalogue '{}': its directory does not exist",
                                     path.string()));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Error::Failed(fmt::format("cannot open catalogue '{}': {}", path.string(), message));
  }
  sqlite3_busy_timeout(db, 5000);
  const char* setup =
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
  char* message = nullptr;
  if (sqlite3_exec(db, setup, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    sqlite3_close(db);
    return Error::Failed(fmt::format("cannot open catalogue '{}': {}", path.string(), text));
  }
  Result<void> migrated = MigrateSchema(db, path);
  if (!migrated.ok()) {
    sqlite3_close(db);
    return migrated.error();
  }
  return std::unique_ptr<Repository>(new SqliteRepository(db, path));
}

}  // namespace vsm::store
