// The ring of master keys: every key that sealed rows may name, and the one
// active key that new seals use (DESIGN.md, "Sealing"). It is what lets an
// operator rotate the master key online: add the new key to every replica's
// ring, re-seal, then retire the old key.
//
// Contract:
// - `--master_key_file` names either one key file (a ring of one, as before
//   the keyring) or a folder whose `*.key` files are the ring. Every file is
//   32 bytes, mode 0600 (master_key.h). Other files in the folder are
//   ignored; two files holding the same key are one key.
// - The active key is the one `active_key_id` names (an error if it is not in
//   the ring), else the one the folder's `active` file names (its key id, on
//   one line), else the file most recently modified (ties: the greater file
//   name), i.e. the one most recently added. With several replicas, name it
//   in `active`: a key added to every ring first and made active after is
//   never used by one replica before another can open it.
// - A key file in the folder may be a symlink (as in a Kubernetes Secret
//   volume); its target is read with the same checks.
// - ResolveMasterKeyring() is the start-up rule: every key id that sealed
//   rows name must be in the ring. Otherwise it fails loudly, naming each
//   missing key id and how many rows need it, never at request time. With no
//   ring at all and nothing sealed, `allow_create` creates the first key (the
//   file named, or `<folder>/first.key` in an existing empty folder).
// - Errors name paths and key ids, never key bytes. Move-only; the keys'
//   bytes are wiped with the ring.
//
// EXAMPLE:
//   absl::StatusOr<MasterKeyring> ring = ResolveMasterKeyring(
//       {.path = "data/keys", .allow_create = true}, *store.SealedKeyCounts());
//   SecretSealer sealer(*std::move(ring));
#ifndef INTEGRATOR_SERVER_SEALING_MASTER_KEYRING_H_
#define INTEGRATOR_SERVER_SEALING_MASTER_KEYRING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/sealing/master_key.h"

namespace integrator {

// How many sealed rows (secrets and previous secrets, API secrets) name a
// master key id.
struct SealedKeyCount {
  std::string key_id;
  int64_t rows = 0;
};

struct KeyringOptions {
  std::string path;           // a key file, or a folder of *.key files
  std::string active_key_id;  // empty: the most recently added key
  bool allow_create = false;
};

class MasterKeyring {
 public:
  // `keys` must not be empty; `active_key_id` must name one of them.
  static absl::StatusOr<MasterKeyring> Create(std::vector<MasterKey> keys,
                                              absl::string_view active_key_id);

  MasterKeyring(MasterKeyring&&) = default;
  MasterKeyring& operator=(MasterKeyring&&) = default;

  const MasterKey& active() const { return keys_[active_]; }
  // Null when the ring has no key with this id.
  const MasterKey* Find(absl::string_view key_id) const;
  // Every key, the active one included, in the order given.
  const std::vector<MasterKey>& keys() const { return keys_; }
  // The file each key came from, in the same order ("" when not from one).
  const std::vector<std::string>& files() const { return files_; }

  // This ring with `key` added (unless it is in it already) and active: the
  // ring a rotation to a new key works with.
  MasterKeyring WithActive(MasterKey key, std::string file) &&;

 private:
  friend absl::StatusOr<MasterKeyring> LoadMasterKeyring(
      const KeyringOptions& options);

  MasterKeyring(std::vector<MasterKey> keys, size_t active)
      : keys_(std::move(keys)), files_(keys_.size()), active_(active) {}

  std::vector<MasterKey> keys_;
  std::vector<std::string> files_;
  size_t active_ = 0;
};

absl::StatusOr<MasterKeyring> LoadMasterKeyring(const KeyringOptions& options);

absl::StatusOr<MasterKeyring> ResolveMasterKeyring(
    const KeyringOptions& options, absl::Span<const SealedKeyCount> sealed);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_MASTER_KEYRING_H_
