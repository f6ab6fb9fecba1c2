// integrator-admin's view of the master keyring (server/sealing/
// master_keyring.h): how the admin tool opens it, and the `master-keys`
// command that lists it with the rows each key seals.
//
// Contract: OpenKeyring() applies the server's start-up rule (every key id
// that sealed rows name must be in the ring) but never creates a key: only
// the server makes the first one, so a typo in --master_key_file cannot seal
// under a key the running server lacks. ListMasterKeys() prints one line per
// key id, the ring's and the store's: its rows, whether it is in the ring,
// which one is active, and its file; a key that rows need and the ring lacks
// is marked MISSING (and makes the result FailedPrecondition). No key bytes
// are ever printed.
//
// EXAMPLE:
//   absl::Status listed = ListMasterKeys(store, {.path = "data/keys"},
//                                        std::cout);
#ifndef CMD_ADMIN_KEYRING_H_
#define CMD_ADMIN_KEYRING_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/sealing/master_keyring.h"
#include "server/store/store.h"

namespace integrator::cmd {

struct KeyringFlags {
  std::string path;
  std::string active_key_id;
};

absl::StatusOr<MasterKeyring> OpenKeyring(Store& store,
                                          const KeyringFlags& flags);

absl::Status ListMasterKeys(Store& store, const KeyringFlags& flags,
                            std::ostream& out);

}  // namespace integrator::cmd

#endif  // CMD_ADMIN_KEYRING_H_
