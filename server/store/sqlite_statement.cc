#include "server/store/sqlite_statement.h"

#include "absl/strings/str_cat.h"

namespace integrator {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view context) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat("sqlite: ", context, ": ", detail);
  // Extended codes (enabled on every store connection) tell a duplicate key
  // from a broken reference; only the first means "already exists".
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return absl::AlreadyExistsError(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return absl::FailedPreconditionError(message);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    // The statement (or the transaction) failed and wrote nothing; once
    // space or the device is back, a retry can succeed.
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status SqliteExec(sqlite3* db, absl::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "exec");
  return absl::OkStatus();
}

absl::StatusOr<std::string> SqliteQueryText(sqlite3* db,
                                            absl::string_view sql) {
  absl::StatusOr<SqliteStatement> stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("query returned no row");
  return stmt->ColumnText(0);
}

absl::StatusOr<SqliteStatement> SqliteStatement::Prepare(
    sqlite3* db, absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(
      db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db, rc, "prepare");
  }
  return SqliteStatement(db, stmt, /*borrowed=*/false);
}

SqliteStatement SqliteStatement::Borrow(sqlite3* db, sqlite3_stmt* cached) {
  return SqliteStatement(db, cached, /*borrowed=*/true);
}

SqliteStatement& SqliteStatement::BindText(int index, absl::string_view value) {
  const int rc =
      sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(),
                          SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, "bind");
  }
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, absl::string_view value) {
  // A zero-length blob must still be a blob, not NULL.
  static const char kEmpty = 0;
  const int rc = sqlite3_bind_blob64(stmt_.get(), index,
                                     value.empty() ? &kEmpty : value.data(),
                                     value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, "bind");
  }
  return *this;
}

SqliteStatement& SqliteStatement::BindInt64(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, "bind");
  }
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, "bind");
  }
  return *this;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "step");
}

absl::Status SqliteStatement::Run() {
  absl::StatusOr<bool> row = Step();
  return row.status();
}

std::string SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), size);
}

std::string SqliteStatement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (blob == nullptr) return "";
  return std::string(static_cast<const char*>(blob), size);
}

int64_t SqliteStatement::ColumnInt64(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

}  // namespace integrator
