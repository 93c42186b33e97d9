// The catalogue's schema as an ordered list of migrations. The database's PRAGMA user_version
// is the number of migrations applied; each runs in its own transaction. Add at the end only.
#pragma once

#include <sqlite3.h>

#include <filesystem>

#include "core/result.h"

namespace vsm::store {

// The schema version this code writes.
int CurrentSchemaVersion();

// Brings the database to CurrentSchemaVersion(). A database newer than the code is an error
// naming the file and both versions.
Result<void> MigrateSchema(sqlite3* db, const std::filesystem::path& path);

}  // namespace vsm::store
