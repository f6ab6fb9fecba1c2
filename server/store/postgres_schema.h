// The PostgreSQL schema of the store and its migrations, versioned like
// SQLite's (sqlite_schema.h) with the same tables in PostgreSQL's types.
//
// Contract: MigratePostgresSchema() brings the database to the latest
// version in one transaction under an advisory lock, so replicas that start
// together migrate once and none sees a half-made schema. A database newer
// than the binary is FailedPrecondition.
//
// EXAMPLE:
//   if (absl::Status s = MigratePostgresSchema(conn); !s.ok()) return s;
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_SCHEMA_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_SCHEMA_H_

#include "absl/status/status.h"
#include "server/store/postgres_connection.h"

namespace integrator {

int LatestPostgresSchemaVersion();
absl::Status MigratePostgresSchema(PgConnection& conn);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_SCHEMA_H_
