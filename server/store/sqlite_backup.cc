#include "server/store/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "server/store/sealed_row_columns.h"
#include "server/store/sqlite_statement.h"

namespace integrator {
namespace {

absl::StatusOr<SqliteDb> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot open ", path, ": ",
        raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

}  // namespace

absl::Status SyncFolderOf(const std::string& path) {
  const std::string folder =
      std::filesystem::path(path).parent_path().empty()
          ? std::string(".")
          : std::filesystem::path(path).parent_path().string();
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const std::string error = std::strerror(errno);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot sync the folder of ", path, ": ", error));
  }
  close(fd);
  return absl::OkStatus();
}

absl::Status CopySqliteDatabase(const std::string& from,
                                const std::string& to) {
  absl::StatusOr<SqliteDb> source = Open(from, SQLITE_OPEN_READONLY);
  if (!source.ok()) return source.status();
  // Made here, owner-only, and never over an existing file.
  const int fd =
      open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", to, ": ", std::strerror(errno)));
  }
  close(fd);
  absl::Status copied = [&]() -> absl::Status {
    absl::StatusOr<SqliteDb> target =
        Open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW);
    if (!target.ok()) return target.status();
    if (absl::Status s = SqliteExec(target->get(), "PRAGMA synchronous=FULL");
        !s.ok()) {
      return s;
    }
    sqlite3_backup* backup =
        sqlite3_backup_init(target->get(), "main", source->get(), "main");
    if (backup == nullptr) {
      return absl::UnavailableError(absl::StrCat(
          "cannot start the backup: ", sqlite3_errmsg(target->get())));
    }
    // All pages in one step: one read transaction, one consistent snapshot.
    int rc = sqlite3_backup_step(backup, -1);
    const int finished = sqlite3_backup_finish(backup);
    if (rc == SQLITE_DONE) rc = finished;
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(
          absl::StrCat("the backup failed: ", sqlite3_errstr(rc)));
    }
    // The copy stands alone: no -wal file to carry along with it.
    return SqliteExec(target->get(), "PRAGMA journal_mode=DELETE");
  }();
  if (!copied.ok()) {
    unlink(to.c_str());
    return copied;
  }
  return SyncFolderOf(to);
}

absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCountsOfFile(
    const std::string& path) {
  absl::StatusOr<SqliteDb> db = Open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  absl::StatusOr<SqliteStatement> counted =
      SqliteStatement::Prepare(db->get(), kSealedKeyCountsSql);
  if (!counted.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is not an integrator-api store: ", counted.status().message()));
  }
  std::vector<SealedKeyCount> counts;
  for (;;) {
    absl::StatusOr<bool> row = counted->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    counts.push_back({counted->ColumnText(0), counted->ColumnInt64(1)});
  }
  return counts;
}

}  // namespace integrator
