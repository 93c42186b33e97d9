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
    "bios_guid, creation_time_us, package_directory";

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
      VSM_RETURN_IF_ERROR(Run("DELETE FROM systems WHERE guid = ?1", system.id.ToString()));
      return WriteSystemLocked(system);
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
                    "path = ?1) ORDER BY name, guid",
                    kSystemColumns),
        path);
  }

  Result<std::vector<SystemDefinition>> ListSystems() override {
    std::lock_guard lock(mutex_);
    return LoadSystemsLocked(fmt::format("SELECT {} FROM systems ORDER BY name, guid", kSystemColumns),
                             std::nullopt);
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

  Result<void> WriteSystemLocked(const SystemDefinition& system) REQUIRES(mutex_) {
    std::string guid = system.id.ToString();
    {
      Statement s = Prepare(fmt::format("INSERT INTO systems ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                        kSystemColumns));
      s.Bind(1, guid).Bind(2, system.name).Bind(3, static_cast<int64_t>(system.enabled_state));
      s.Bind(4, static_cast<int64_t>(system.memory_mb)).Bind(5, static_cast<int64_t>(system.processor_count));
      s.Bind(6, static_cast<int64_t>(system.scsi_controller_count)).Bind(7, system.notes);
      s.Bind(8, system.bios_guid.ToString()).Bind(9, ToMicros(system.creation_time));
      s.Bind(10, system.package_directory);
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing system " + guid));
    }
    for (size_t i = 0; i < system.drives.size(); ++i) {
      const Drive& d = system.drives[i];
      Statement s = Prepare(
          "INSERT INTO drives (system_guid, ordinal, kind, controller, controller_index, slot, path) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      s.Bind(1, guid).Bind(2, static_cast<int64_t>(i)).Bind(3, static_cast<int64_t>(d.kind));
      s.Bind(4, static_cast<int64_t>(d.controller)).Bind(5, static_cast<int64_t>(d.controller_index));
      s.Bind(6, static_cast<int64_t>(d.slot)).Bind(7, d.path);
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing a drive of " + guid));
    }
    for (size_t i = 0; i < system.network_adapters.size(); ++i) {
      const NetworkAdapter& a = system.network_adapters[i];
      Statement s = Prepare(
          "INSERT INTO network_adapters (system_guid, ordinal, switch_name, mac_address, static_mac) "
          "VALUES (?1, ?2, ?3, ?4, ?5)");
      s.Bind(1, guid).Bind(2, static_cast<int64_t>(i)).Bind(3, a.switch_name);
      s.Bind(4, a.mac_address).Bind(5, static_cast<int64_t>(a.static_mac));
      VSM_RETURN_IF_ERROR(Check(s.Step(), "writing an adapter of " + guid));
    }
    return Ok();
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
