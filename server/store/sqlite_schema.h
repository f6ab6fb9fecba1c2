// The versioned schema of the SQLite store, migrated on every open.
//
// Contract: migrations are append-only; each runs once, in its own
// transaction, and records its version in `schema_migrations`. A database
// whose recorded version is newer than this binary knows is refused
// (FailedPrecondition) rather than written by code that does not understand
// it.
//
// EXAMPLE:
//   absl::Status s = MigrateSqliteSchema(db);  // on the write connection
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_SCHEMA_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_SCHEMA_H_

#include <sqlite3.h>

#include "absl/status/status.h"

namespace integrator {

// The newest schema version this binary writes.
int LatestSqliteSchemaVersion();

absl::Status MigrateSqliteSchema(sqlite3* db);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_SCHEMA_H_
