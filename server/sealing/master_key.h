// The master key that seals every secret at rest, and the rules for when it
// may be created.
//
// Contract: the key file holds exactly 32 random bytes and is readable by its
// owner alone (mode 0600). It is created with O_EXCL, and only when no sealed
// row exists (master_keyring.h applies that rule): a missing or different
// key while sealed rows exist is a loud FailedPrecondition, never a fresh key
// that would silently orphan the data. `key_id` is a one-way fingerprint of
// the key, stored beside each sealed row so a mismatch is detected before any
// decryption is attempted.
//
// EXAMPLE:
//   absl::StatusOr<MasterKey> key = LoadMasterKeyFile("data/master.key");
//   if (!key.ok()) { std::cerr << key.status().message(); return 1; }
#ifndef INTEGRATOR_SERVER_SEALING_MASTER_KEY_H_
#define INTEGRATOR_SERVER_SEALING_MASTER_KEY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace integrator {

// Move-only: the bytes are wiped when the key goes out of scope.
class MasterKey {
 public:
  explicit MasterKey(std::string bytes);
  MasterKey(MasterKey&&) = default;
  MasterKey& operator=(MasterKey&&) = default;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey();

  absl::string_view bytes() const { return bytes_; }
  const std::string& key_id() const { return key_id_; }

 private:
  std::string bytes_;
  std::string key_id_;
};

// 16 hex characters derived from the key by a domain-separated SHA-256.
std::string MasterKeyId(absl::string_view key_bytes);

// Reads an existing key file. NotFound when it does not exist.
absl::StatusOr<MasterKey> LoadMasterKeyFile(absl::string_view path);

// Creates a new key file with O_EXCL and mode 0600 (its folder with 0700).
absl::StatusOr<MasterKey> CreateMasterKeyFile(absl::string_view path);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_MASTER_KEY_H_
