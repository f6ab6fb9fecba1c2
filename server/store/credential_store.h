// The credentials aggregate of the store: API keys (kept as hashes),
// signing keys (their API secrets sealed) and spent request signatures (the
// replay guard). What authentication reads.
//
// Contract: thread-safe; lookups that find nothing are NotFound; writes are
// durable when they report OK; error texts never contain a key or secret.
//
// EXAMPLE:
//   CredentialStore& credentials = *store;
//   absl::StatusOr<ApiKeyRecord> key =
//       credentials.FindApiKeyByHash(HashApiKey(token));
#ifndef INTEGRATOR_SERVER_STORE_CREDENTIAL_STORE_H_
#define INTEGRATOR_SERVER_STORE_CREDENTIAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/sealing/sealed_secret.h"
#include "server/store/write_callbacks.h"

namespace integrator {

// A credential. Only the SHA-256 of the key is kept; the key itself is shown
// once at creation. Exactly one of `integrator_id` and `service_name` is set.
struct ApiKeyRecord {
  std::string key_id;
  std::string key_hash;        // lower-case hex SHA-256 of the full key
  std::string display_prefix;  // the key's first characters, for operators
  std::string integrator_id;
  std::string service_name;
  std::vector<std::string> scopes;
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
};

// A signing credential of the public contract: the `X-Integrator-Key` id
// plus an API secret that signs requests. The secret is kept sealed (purpose
// api-secret); `sealed_secret.version` numbers the integrator's signing keys.
struct SigningKeyRecord {
  std::string key_id;  // "int_…"
  std::string integrator_id;
  std::vector<std::string> scopes;
  SealedSecret sealed_secret;
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
};

// The row identity bound into an API secret's AAD: the signing key's own id
// as well as its integrator's, so two keys cannot swap sealed secrets.
inline std::string ApiSecretRowId(absl::string_view integrator_id,
                                  absl::string_view signing_key_id) {
  return std::string(integrator_id) + "/" + std::string(signing_key_id);
}

// A request signature to remember until it could no longer pass the
// timestamp window, so that a replay is refused across restarts.
//
// Spending one fails with AlreadyExists if it was spent before, or if it
// has expired by the time the write runs: a replay authenticated at the
// window's edge but written late must not find its original pruned.
// Spent signatures are pruned only kSignatureUseRetention after expiry, so
// clocks that disagree by less than that cannot reopen the window either.
struct SignatureUse {
  std::string signature_id;  // "<int_ key id>:<hex signature>"
  int64_t expires_at_ms = 0;
};
inline constexpr int64_t kSignatureUseRetentionMs = 10 * 60 * 1000;

// The two rules above, shared by every store: whether `use` may still be
// spent at `now_ms`, and which spent ones may be forgotten.
inline absl::Status CheckSignatureUseFresh(const SignatureUse& use,
                                           int64_t now_ms) {
  if (use.expires_at_ms < now_ms) {
    return absl::AlreadyExistsError("signature expired before it was spent");
  }
  return absl::OkStatus();
}
inline bool SignatureUseForgettable(int64_t expires_at_ms, int64_t now_ms) {
  return expires_at_ms < now_ms - kSignatureUseRetentionMs;
}

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  virtual absl::Status CreateApiKey(const ApiKeyRecord& key) = 0;
  virtual absl::StatusOr<ApiKeyRecord> FindApiKeyByHash(
      absl::string_view key_hash) = 0;
  // Revokes the one key whose id or display prefix is `id_or_prefix`.
  // NotFound when none matches, FailedPrecondition when several do.
  virtual absl::StatusOr<ApiKeyRecord> RevokeApiKey(
      absl::string_view id_or_prefix) = 0;

  // Stores a new signing key; `seal` is called with the key's version (one
  // more than the integrator's newest) inside the write. NotFound when the
  // integrator does not exist.
  virtual absl::Status CreateSigningKey(const SigningKeyRecord& key,
                                        SealFn seal) = 0;
  virtual absl::StatusOr<SigningKeyRecord> FindSigningKey(
      absl::string_view key_id) = 0;
  virtual absl::Status RevokeSigningKey(absl::string_view key_id) = 0;

  // Remembers a used request signature, durably. `done` gets AlreadyExists
  // when it was used before (a replay), OK once it is on disk.
  virtual void RecordSignatureUse(SignatureUse use, DoneFn done) = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_CREDENTIAL_STORE_H_
