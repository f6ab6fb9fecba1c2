#include "server/store/sqlite_connection.h"

namespace integrator {

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
