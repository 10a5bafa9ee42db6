// Migrations: the SQLite schema as an ordered list of versioned steps,
// applied with PRAGMA user_version as the record of what is in the file.
// Never edit a released step: append a new one.
#pragma once

#include <vector>

#include "store/database.h"

namespace spamgate {

struct Migration {
  int version;      // 1, 2, 3, ... in order, no gaps
  const char* sql;  // one or more statements
};

// Every migration, in order (the single list lives in migrations.cpp).
const std::vector<Migration>& migrations();

// The newest schema version this build knows.
int latest_schema_version();

// The schema version stored in the file (PRAGMA user_version; 0 when new).
Result<int> schema_version(Database& db);

// Applies every migration newer than the file's user_version, each in its
// own transaction that also sets user_version, so a failure leaves the file
// at the last complete version. Safe to call on every start and from
// several processes (each step re-checks the version under the write lock).
// Fails, changing nothing, when the file is newer than this build.
Status migrate(Database& db);

// Opens `path` (see Database::open) and migrates it. The usual way for a
// component to get a connection.
Result<Database> open_store(const std::string& path, DatabaseOptions options = {});

}  // namespace spamgate
