#include "cmd/admin_backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/store/sqlite_backup.h"
#include "server/store/store_factory.h"

namespace integrator::cmd {
namespace {

std::string KeyLines(const std::vector<SealedKeyCount>& needs) {
  std::string lines;
  for (const SealedKeyCount& count : needs) {
    absl::StrAppend(&lines, count.key_id, " ", count.rows, "\n");
  }
  return lines;
}

// Writes `text` to a new owner-only file, synced.
absl::Status WriteNewFile(const std::string& path, const std::string& text) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  const bool written = write(fd, text.data(), text.size()) ==
                           static_cast<ssize_t>(text.size()) &&
                       fsync(fd) == 0;
  close(fd);
  if (!written) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return SyncFolderOf(path);
}

}  // namespace

absl::Status BackupStore(const std::string& store_uri, const std::string& to,
                         std::ostream& out) {
  absl::StatusOr<std::string> path = SqlitePathOf(store_uri);
  if (!path.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup copies the embedded SQLite store; for PostgreSQL use "
        "pg_dump or pg_basebackup (README, \"Backups\"): ",
        path.status().message()));
  }
  if (absl::Status s = CopySqliteDatabase(*path, to); !s.ok()) return s;
  absl::StatusOr<std::vector<SealedKeyCount>> needs = SealedKeyCountsOfFile(to);
  if (!needs.ok()) return needs.status();
  const std::string lines = KeyLines(*needs);
  if (absl::Status s = WriteNewFile(absl::StrCat(to, ".keys"), lines);
      !s.ok()) {
    return s;
  }
  out << "backed up " << *path << " to " << to << "; it needs these master "
      << "key ids (also in " << to << ".keys):\n"
      << lines;
  return absl::OkStatus();
}

absl::Status RestoreStore(const std::string& store_uri, const std::string& from,
                          const KeyringFlags& ring, std::ostream& out) {
  absl::StatusOr<std::string> path = SqlitePathOf(store_uri);
  if (!path.ok()) return path.status();
  // What the backup's rows need, read from the backup itself.
  absl::StatusOr<std::vector<SealedKeyCount>> needs =
      SealedKeyCountsOfFile(from);
  if (!needs.ok()) return needs.status();
  absl::StatusOr<MasterKeyring> keys = LoadMasterKeyring(
      {.path = ring.path, .active_key_id = "", .allow_create = false});
  std::vector<std::string> missing;
  for (const SealedKeyCount& count : *needs) {
    if (count.rows > 0 && (!keys.ok() || keys->Find(count.key_id) == nullptr)) {
      missing.push_back(absl::StrCat(count.key_id, " (", count.rows, " rows)"));
    }
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing to restore ", from, ": it needs master key id ",
                     absl::StrJoin(missing, ", "), ", which the keyring at ",
                     ring.path, " does not have"));
  }
  // SQLite would replay a journal or WAL left beside the target into it.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ec;
    if (std::filesystem::exists(absl::StrCat(*path, suffix), ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat("refusing to restore over ", *path, suffix,
                       ": a restore never overwrites a store"));
    }
  }
  const std::filesystem::path target(*path);
  std::error_code ec;
  if (target.has_parent_path() &&
      !std::filesystem::exists(target.parent_path(), ec)) {
    // Only a folder made here is made owner-only.
    std::filesystem::create_directories(target.parent_path(), ec);
    std::filesystem::permissions(target.parent_path(),
                                 std::filesystem::perms::owner_all, ec);
  }
  if (absl::Status s = CopySqliteDatabase(from, *path); !s.ok()) return s;
  out << "restored " << from << " to " << *path << "\n";
  return absl::OkStatus();
}

}  // namespace integrator::cmd
