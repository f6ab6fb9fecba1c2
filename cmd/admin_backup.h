// `integrator-admin backup` and `restore` for the embedded SQLite store
// (server/store/sqlite_backup.h). For PostgreSQL, pg_dump and pg_basebackup
// do this job (README, "Backups"); the same rule for keys applies.
//
// Contract:
// - BackupStore() copies the live store to `to` (a new file, mode 0600)
//   while the server keeps writing, then writes `to`.keys beside it: one
//   "KEY_ID ROWS" line per master key id the copy needs, which it also
//   prints. Keys themselves are never copied or printed.
// - RestoreStore() refuses, listing them, when the keyring lacks any key id
//   the backup's rows need; otherwise it copies the backup to the store's
//   file, which must not exist yet (a restore never overwrites a store).
//
// EXAMPLE:
//   BackupStore("sqlite:data/integrator.db", "/backups/today.db", std::cout);
//   RestoreStore("sqlite:restored/integrator.db", "/backups/today.db",
//                {.path = "data/keys"}, std::cout);
#ifndef CMD_ADMIN_BACKUP_H_
#define CMD_ADMIN_BACKUP_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cmd/admin_keyring.h"

namespace integrator::cmd {

absl::Status BackupStore(const std::string& store_uri, const std::string& to,
                         std::ostream& out);

absl::Status RestoreStore(const std::string& store_uri, const std::string& from,
                          const KeyringFlags& ring, std::ostream& out);

}  // namespace integrator::cmd

#endif  // CMD_ADMIN_BACKUP_H_
