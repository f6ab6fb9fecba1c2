// `integrator-admin rotate-master-key`: re-seals every row sealed under any
// key but the keyring's active one, online (DESIGN.md, "Sealing").
//
// Contract:
// - The target key is `new_key_file` (created with O_EXCL and mode 0600 when
//   it does not exist, else read) or, without it, the ring's active key. The
//   ring must hold every key the rows name (master_keyring.h), so each row
//   opens; a row that does not open stops the rotation with its id, never a
//   secret.
// - Rows go in batches of `batch_size`, each one transaction of conditional
//   replacements (sealed_row_store.h): the servers keep serving, no lock is
//   held longer than a batch, and an update that lands between the read and
//   the write wins (that row is read again in the next pass). A row keeps
//   its version; only its key id, nonce and ciphertext change.
// - SIGINT or SIGTERM finishes the batch under way and stops; a SIGKILL
//   loses at most that batch's transaction. Either way, running it again
//   continues with what is left, since it always asks for the rows not yet
//   under the target key.
// - Progress goes to `progress`: a bar redrawn in place (done of total, rate,
//   time left) when it is a terminal, else a plain line a second. It ends
//   with the rows each key id still seals.
// - `verify` opens every row with the ring instead, and reports how many
//   open and which (kind and row id) do not.
//
// EXAMPLE:
//   absl::Status s = RotateMasterKey(store, ring_flags,
//                                    {.new_key_file = "data/keys/2027.key"},
//                                    std::cout, /*is_terminal=*/true);
#ifndef CMD_ADMIN_ROTATION_H_
#define CMD_ADMIN_ROTATION_H_

#include <cstddef>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cmd/admin_keyring.h"
#include "server/store/store.h"

namespace integrator::cmd {

struct RotationOptions {
  std::string new_key_file;
  size_t batch_size = 200;
  bool verify = false;
};

absl::Status RotateMasterKey(Store& store, const KeyringFlags& ring_flags,
                             const RotationOptions& options,
                             std::ostream& progress, bool is_terminal);

}  // namespace integrator::cmd

#endif  // CMD_ADMIN_ROTATION_H_
