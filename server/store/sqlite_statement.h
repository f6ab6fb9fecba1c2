// RAII wrappers for SQLite connections and prepared statements, with errors
// as absl::Status.
//
// Contract: a SqliteDb owns one connection and closes it on destruction; a
// SqliteStatement owns one prepared statement and finalizes it. Neither is
// thread-safe: one connection is used by one thread at a time (the store
// hands connections out). Error texts carry SQLite's message, which names the
// failing SQL construct but never bound values, so no secret leaks through it.
//
// EXAMPLE:
//   absl::StatusOr<SqliteStatement> stmt =
//       SqliteStatement::Prepare(db, "SELECT name FROM integrators WHERE
//       id=?");
//   stmt->BindText(1, id);
//   absl::StatusOr<bool> row = stmt->Step();
//   if (row.ok() && *row) name = stmt->ColumnText(0);
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_STATEMENT_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace integrator {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;

// Runs one or more statements that return no rows.
absl::Status SqliteExec(sqlite3* db, absl::string_view sql);

// Runs a statement that returns one text value (a PRAGMA read-back).
absl::StatusOr<std::string> SqliteQueryText(sqlite3* db, absl::string_view sql);

// Maps a SQLite result code to a status with a short context.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view context);

class SqliteStatement {
 public:
  // A statement owned by this handle, finalized when it goes.
  static absl::StatusOr<SqliteStatement> Prepare(sqlite3* db,
                                                 absl::string_view sql);
  // A statement owned by a connection's cache: this handle only resets it
  // (and clears its bindings) when it goes, so it can be reused.
  static SqliteStatement Borrow(sqlite3* db, sqlite3_stmt* cached);

  SqliteStatement(SqliteStatement&&) = default;
  SqliteStatement& operator=(SqliteStatement&&) = default;

  // Parameter indexes start at 1, as in SQLite.
  SqliteStatement& BindText(int index, absl::string_view value);
  SqliteStatement& BindBlob(int index, absl::string_view value);
  SqliteStatement& BindInt64(int index, int64_t value);
  SqliteStatement& BindNull(int index);

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  absl::Status Run();

  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  int64_t ColumnInt64(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  struct Release {
    bool borrowed = false;
    void operator()(sqlite3_stmt* stmt) const {
      if (borrowed) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      } else {
        sqlite3_finalize(stmt);
      }
    }
  };
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool borrowed)
      : db_(db), stmt_(stmt, Release{borrowed}) {}

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Release> stmt_;
  absl::Status bind_status_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_STATEMENT_H_
