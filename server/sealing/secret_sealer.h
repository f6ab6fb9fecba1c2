// Seals and opens secrets for one row of the store.
//
// Contract: the AAD binds purpose, master key id, the row's identity
// (`row_id`: the integrator id for webhook secrets, ApiSecretRowId for API
// secrets) and version, so a ciphertext moved to another row or purpose, or
// given another version, fails to open. Every Seal draws a fresh 96-bit nonce.
// Open refuses a row sealed under another key id with a FailedPrecondition that
// names both ids; tampering yields PermissionDenied. No error text contains
// secret bytes. Thread-safe: immutable after construction.
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

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/crypto/aead.h"
#include "server/sealing/master_key.h"
#include "server/sealing/sealed_secret.h"

namespace integrator {

enum class SealPurpose { kWebhookSecret, kApiSecret };

class SecretSealer {
 public:
  explicit SecretSealer(MasterKey key)
      : key_(std::move(key)),
        prepared_(crypto::Aes256GcmKey::Create(key_.bytes())) {}

  const std::string& key_id() const { return key_.key_id(); }

  absl::StatusOr<SealedSecret> Seal(SealPurpose purpose,
                                    absl::string_view integrator_id,
                                    int64_t version,
                                    absl::string_view plaintext) const;

  absl::StatusOr<std::string> Open(SealPurpose purpose,
                                   absl::string_view integrator_id,
                                   const SealedSecret& sealed) const;

 private:
  MasterKey key_;
  // The master key prepared once: sealing is on every write's path.
  absl::StatusOr<crypto::Aes256GcmKey> prepared_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_
