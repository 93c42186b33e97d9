#include "store/migrations.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace vsm::store {
namespace {

// Migration N brings the schema from version N-1 to N.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: systems, their drives and adapters, jobs, users.
      R"sql(
      CREATE TABLE systems (
        guid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        enabled_state INTEGER NOT NULL,
        memory_mb INTEGER NOT NULL,
        processor_count INTEGER NOT NULL,
        scsi_controller_count INTEGER NOT NULL,
        notes TEXT NOT NULL,
        bios_guid TEXT NOT NULL,
        creation_time_us INTEGER NOT NULL,
        package_directory TEXT NOT NULL
      );
      CREATE INDEX systems_by_name ON systems(name, guid);
      CREATE INDEX systems_by_package ON systems(package_directory) WHERE package_directory <> '';
      CREATE TABLE drives (
        system_guid TEXT NOT NULL REFERENCES systems(guid) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        controller INTEGER NOT NULL,
        controller_index INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (system_guid, ordinal)
      );
      CREATE INDEX drives_by_path ON drives(path);
      CREATE TABLE network_adapters (
        system_guid TEXT NOT NULL REFERENCES systems(guid) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        switch_name TEXT NOT NULL,
        mac_address TEXT NOT NULL,
        static_mac INTEGER NOT NULL,
        PRIMARY KEY (system_guid, ordinal)
      );
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        type INTEGER NOT NULL,
        description TEXT NOT NULL,
        owner TEXT NOT NULL,
        state INTEGER NOT NULL,
        percent_complete INTEGER NOT NULL,
        error_code INTEGER NOT NULL,
        error_description TEXT NOT NULL,
        error_summary_description TEXT NOT NULL,
        cancellable INTEGER NOT NULL,
        time_submitted_us INTEGER NOT NULL,
        start_time_us INTEGER,
        end_time_us INTEGER,
        time_of_last_state_change_us INTEGER NOT NULL,
        time_before_removal_s INTEGER NOT NULL,
        affected_system TEXT,
        cleanup_path TEXT NOT NULL
      );
      CREATE INDEX jobs_by_submission ON jobs(time_submitted_us, id);
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role INTEGER NOT NULL,
        password_hash TEXT NOT NULL
      );
      )sql",
      // 2: snapshots (each with the system's definition as it was), the disks vsm created, and
      // the snapshot a system's current state derives from. UpdateSystem updates systems rows in
      // place, so the cascades below fire only when a system is removed.
      R"sql(
      ALTER TABLE systems ADD COLUMN parent_snapshot TEXT NOT NULL DEFAULT '';
      CREATE TABLE snapshots (
        guid TEXT PRIMARY KEY,
        system_guid TEXT NOT NULL REFERENCES systems(guid) ON DELETE CASCADE,
        parent_guid TEXT NOT NULL,
        name TEXT NOT NULL,
        creation_time_us INTEGER NOT NULL,
        config_name TEXT NOT NULL,
        enabled_state INTEGER NOT NULL,
        memory_mb INTEGER NOT NULL,
        processor_count INTEGER NOT NULL,
        scsi_controller_count INTEGER NOT NULL,
        notes TEXT NOT NULL,
        bios_guid TEXT NOT NULL,
        config_creation_time_us INTEGER NOT NULL,
        package_directory TEXT NOT NULL,
        config_parent_snapshot TEXT NOT NULL
      );
      CREATE INDEX snapshots_by_system ON snapshots(system_guid, creation_time_us, guid);
      CREATE INDEX snapshots_by_parent ON snapshots(parent_guid);
      CREATE TABLE snapshot_drives (
        snapshot_guid TEXT NOT NULL REFERENCES snapshots(guid) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        controller INTEGER NOT NULL,
        controller_index INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (snapshot_guid, ordinal)
      );
      CREATE INDEX snapshot_drives_by_path ON snapshot_drives(path);
      CREATE TABLE snapshot_network_adapters (
        snapshot_guid TEXT NOT NULL REFERENCES snapshots(guid) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        switch_name TEXT NOT NULL,
        mac_address TEXT NOT NULL,
        static_mac INTEGER NOT NULL,
        PRIMARY KEY (snapshot_guid, ordinal)
      );
      CREATE TABLE created_disks (
        path TEXT PRIMARY KEY,
        parent_path TEXT NOT NULL,
        system_guid TEXT NOT NULL REFERENCES systems(guid) ON DELETE CASCADE
      );
      CREATE INDEX created_disks_by_system ON created_disks(system_guid, path);
      )sql",
  };
  return kMigrations;
}

Result<void> Exec(sqlite3* db, const std::filesystem::path& path, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);  // harmless if none is open
    return Error::Failed(fmt::format("catalogue '{}': migrating the schema failed: {}",
                                     path.string(), text));
  }
  return Ok();
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<void> MigrateSchema(sqlite3* db, const std::filesystem::path& path) {
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr);
  int version = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
  sqlite3_finalize(statement);
  if (version > CurrentSchemaVersion()) {
    return Error::Failed(fmt::format(
        "catalogue '{}' has schema version {}, newer than this vsmd knows ({}); run a newer vsmd",
        path.string(), version, CurrentSchemaVersion()));
  }
  for (int next = version; next < CurrentSchemaVersion(); ++next) {
    VSM_RETURN_IF_ERROR(Exec(db, path, fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
                                                   Migrations()[next], next + 1)));
  }
  return Ok();
}

}  // namespace vsm::store
