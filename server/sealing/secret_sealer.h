// Seals and opens secrets for one row of the store, with a master keyring
// (master_keyring.h): seals always use the active key; a row opens with the
// key its key id names.
//
// Contract: the AAD binds purpose, master key id, the row's identity
// (`row_id`: the integrator id for webhook secrets, ApiSecretRowId for API
// secrets) and version, so a ciphertext moved to another row or purpose, or
// given another version, fails to open. Every Seal draws a fresh 96-bit nonce.
// Open refuses a row sealed under a key id the ring does not have with a
// FailedPrecondition that names it; tampering yields PermissionDenied. No error
// text contains secret bytes. Thread-safe: immutable after construction.
//
// EXAMPLE:
//   SecretSealer sealer(std::move(master_key));
//   absl::StatusOr<SealedSecret> row =
//       sealer.Seal(SealPurpose::kWebhookSecret, "itg_1", 1, "whsec_x");
//   absl::StatusOr<std::string> secret =
//       sealer.Open(SealPurpose::kWebhookSecret, "itg_1", *row);
#ifndef INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_
#define INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/crypto/aead.h"
#include "server/sealing/master_key.h"
#include "server/sealing/master_keyring.h"
#include "server/sealing/sealed_secret.h"

namespace integrator {

enum class SealPurpose { kWebhookSecret, kApiSecret };

class SecretSealer {
 public:
  explicit SecretSealer(MasterKeyring ring);
  // A ring of one key.
  explicit SecretSealer(MasterKey key);

  // The active key's id: what every new seal names.
  const std::string& key_id() const { return ring_.active().key_id(); }
  const MasterKeyring& ring() const { return ring_; }

  absl::StatusOr<SealedSecret> Seal(SealPurpose purpose,
                                    absl::string_view integrator_id,
                                    int64_t version,
                                    absl::string_view plaintext) const;

  absl::StatusOr<std::string> Open(SealPurpose purpose,
                                   absl::string_view integrator_id,
                                   const SealedSecret& sealed) const;

 private:
  // The key with this id, prepared; null when the ring has none.
  const absl::StatusOr<crypto::Aes256GcmKey>* Prepared(
      absl::string_view key_id) const;

  MasterKeyring ring_;
  // Each key of the ring prepared once, in the ring's order: sealing is on
  // every write's path.
  std::vector<absl::StatusOr<crypto::Aes256GcmKey>> prepared_;
  size_t active_ = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_
