#include "server/store/sqlite_connection.h"

namespace integrator {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Each connection is used by one thread at a time, so SQLite's own mutexes
// and its global memory statistics (another lock) are pure overhead. This
// must run before SQLite initialises; it is a no-op if something else in
// the process already used SQLite.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

absl::StatusOr<SqliteDb> OpenSqliteConnection(const std::string& path) {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
      nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, "open");
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (absl::Status s = SqliteExec(db.get(),
                                  "PRAGMA foreign_keys=ON;"
                                  "PRAGMA synchronous=FULL;"
                                  "PRAGMA secure_delete=ON;");
      !s.ok()) {
    return s;
  }
  return db;
}

absl::StatusOr<SqliteStatement> SqliteConnection::Prepare(
    absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteError(db_.get(), rc, "prepare");
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return SqliteStatement::Borrow(db_.get(), it->second.get());
}

absl::Status SqliteConnection::Exec(absl::string_view sql) {
  absl::StatusOr<SqliteStatement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

}  // namespace integrator
