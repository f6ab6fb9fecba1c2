// Copies of a live SQLite store, made with SQLite's online backup API
// (DESIGN.md, "Storage"): the copy is one consistent snapshot, read in a
// single read transaction, so the server's writers keep going (WAL readers
// never block writers).
//
// Contract:
// - CopySqliteDatabase(from, to) makes `to` a new file (O_EXCL, mode 0600:
//   it holds sealed secrets) with everything `from` held at one instant,
//   synced to disk with its folder entry; an existing `to` is refused,
//   never overwritten. On failure the partial copy is removed.
// - SealedKeyCountsOfFile(path) reads which master key ids the rows of a
//   store file (a backup, say) need, and how many rows each, without
//   migrating or writing it.
//
// EXAMPLE:
//   absl::Status copied = CopySqliteDatabase("data/integrator.db",
//                                            "/backups/2026-11-30.db");
//   auto needs = SealedKeyCountsOfFile("/backups/2026-11-30.db");
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_BACKUP_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_BACKUP_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/sealing/master_keyring.h"

namespace integrator {

absl::Status CopySqliteDatabase(const std::string& from, const std::string& to);

// fsync of the folder holding `path`, so a file just made survives a crash
// with its name.
absl::Status SyncFolderOf(const std::string& path);

absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCountsOfFile(
    const std::string& path);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_BACKUP_H_
