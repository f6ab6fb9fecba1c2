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
// text contains secret bytes. Thread-safe. ReplaceRing() (a SIGHUP after a
// key was added or retired) takes effect for the calls that start after it;
// a call under way finishes with the ring it began with. A replaced ring is
// wiped and freed at a later replacement at least a minute after it was
// replaced (a seal or an open takes microseconds), so a retired key's bytes
// do not stay in memory; replacing a ring with an identical one does
// nothing.
//
// EXAMPLE:
//   SecretSealer sealer(std::move(master_key));
//   absl::StatusOr<SealedSecret> row =
//       sealer.Seal(SealPurpose::kWebhookSecret, "itg_1", 1, "whsec_x");
//   absl::StatusOr<std::string> secret =
//       sealer.Open(SealPurpose::kWebhookSecret, "itg_1", *row);
#ifndef INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_
#define INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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
  SecretSealer(const SecretSealer&) = delete;
  SecretSealer& operator=(const SecretSealer&) = delete;

  // The active key's id: what every new seal names.
  std::string key_id() const { return Current().ring.active().key_id(); }
  // Every key id of the ring in use.
  std::vector<std::string> key_ids() const;

  void ReplaceRing(MasterKeyring ring);

  absl::StatusOr<SealedSecret> Seal(SealPurpose purpose,
                                    absl::string_view integrator_id,
                                    int64_t version,
                                    absl::string_view plaintext) const;

  absl::StatusOr<std::string> Open(SealPurpose purpose,
                                   absl::string_view integrator_id,
                                   const SealedSecret& sealed) const;

 private:
  // A ring with each key prepared once, in the ring's order: sealing is on
  // every write's path.
  struct Keys {
    explicit Keys(MasterKeyring ring);
    // The key with this id, prepared; null when the ring has none.
    const absl::StatusOr<crypto::Aes256GcmKey>* Prepared(
        absl::string_view key_id) const;

    MasterKeyring ring;
    std::vector<absl::StatusOr<crypto::Aes256GcmKey>> prepared;
    size_t active = 0;
  };

  const Keys& Current() const {
    return *current_.load(std::memory_order_acquire);
  }

  struct Installed {
    std::unique_ptr<const Keys> keys;
    absl::Time replaced_at = absl::InfiniteFuture();
  };

  // What every call reads: one atomic load, no lock on the hot path.
  std::atomic<const Keys*> current_{nullptr};
  absl::Mutex mu_;
  // The current ring last.
  std::vector<Installed> installed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_SECRET_SEALER_H_
