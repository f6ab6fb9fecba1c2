// One SQLite connection with its prepared-statement cache.
//
// Contract: statements are prepared once per connection (persistent) and
// handed out as borrowed handles that reset themselves; preparing costs more
// than running these small statements, so the hot paths (group commit, key
// lookups) reuse them. Not thread-safe: one thread uses a connection at a
// time. Statements are finalized before the connection closes.
//
// EXAMPLE:
//   SqliteConnection conn(std::move(db));
//   absl::StatusOr<SqliteStatement> stmt = conn.Prepare("SELECT 1");
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_CONNECTION_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_CONNECTION_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/sqlite_statement.h"

namespace integrator {

// Opens an existing or new database file for reading and writing, with the
// settings every store connection shares: extended result codes, a busy
// timeout of five seconds, foreign keys, synchronous=FULL, secure_delete.
absl::StatusOr<SqliteDb> OpenSqliteConnection(const std::string& path);

class SqliteConnection {
 public:
  explicit SqliteConnection(SqliteDb db) : db_(std::move(db)) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* get() const { return db_.get(); }

  absl::StatusOr<SqliteStatement> Prepare(absl::string_view sql);

  // Runs one statement that returns no rows, through the cache.
  absl::Status Exec(absl::string_view sql);

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };

  // Declared first so it is destroyed last, after the statements.
  SqliteDb db_;
  std::map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>, std::less<>>
      statements_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_CONNECTION_H_
