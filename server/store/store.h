// The one storage interface of the service: integrators, API keys and sealed
// webhook secrets. SQLite (embedded default) and in-memory implementations
// sit behind it; PostgreSQL comes later.
//
// Contract:
// - Every method is thread-safe.
// - Secrets arrive sealed (see server/sealing/); a store never sees plaintext.
// - A write reports OK only once it is durable for that backend: for SQLite,
//   committed with WAL and synchronous=FULL. Concurrent writes may share one
//   commit (group commit); each still gets its own status.
// - Lookups that find nothing return NotFound. Error texts name what failed,
//   never a secret or a key.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("memory:", {});
//   (*store)->UpdateWebhookSecret("itg_1",
//       [&](int64_t version) { return sealer.Seal(kind, "itg_1", version, s);
//       },
//       [](absl::Status done) { /* reply to the caller */ });
#ifndef INTEGRATOR_SERVER_STORE_STORE_H_
#define INTEGRATOR_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/sealing/sealed_secret.h"

namespace integrator {

struct Integrator {
  std::string id;
  std::string name;
  int64_t created_at_ms = 0;
};

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

struct StoreStats {
  std::string backend;
  std::string journal_mode;
  std::string synchronous;
  uint64_t commits = 0;
  uint64_t updates = 0;
};

// What a store is, so that callers never test the --store URI.
struct StoreTraits {
  // Lives in this process's memory: nothing outlives the process, so it
  // needs no master-key file either.
  bool in_memory = false;
  // The embedded default (a file on this machine): the only store whose
  // first start creates the master-key file (DESIGN.md, "Sealing").
  bool embedded = false;
  // OK from a write means the write is on disk.
  bool durable = false;
  // Several server processes may share it.
  bool shared_by_replicas = false;
};

class Store {
 public:
  // Called with the row's next version, so the version bound into the
  // ciphertext is the one that is stored. A store that seals outside its
  // write lock calls it again when another write took that version first.
  using SealFn = absl::AnyInvocable<absl::StatusOr<SealedSecret>(int64_t)>;
  // Called once, on the store's writer thread, after the commit (or failure).
  using DoneFn = absl::AnyInvocable<void(absl::Status)>;

  virtual ~Store() = default;

  virtual absl::Status CreateIntegrator(const Integrator& integrator) = 0;
  virtual absl::StatusOr<Integrator> FindIntegrator(absl::string_view id) = 0;
  virtual absl::StatusOr<std::vector<Integrator>> ListIntegrators() = 0;

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

  // Replaces the integrator's webhook secret. `done` gets NotFound when the
  // integrator does not exist, and OK only once the new row is durable. With
  // `signature`, the signature is recorded in the same transaction: a replay
  // gets AlreadyExists and changes nothing, and a signature is spent only by
  // an update that commits.
  virtual void UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                   DoneFn done,
                                   std::optional<SignatureUse> signature) = 0;
  virtual absl::StatusOr<SealedSecret> GetWebhookSecret(
      absl::string_view integrator_id) = 0;

  // The distinct master key ids of all sealed rows (empty when none).
  virtual absl::StatusOr<std::vector<std::string>> SealedKeyIds() = 0;

  virtual StoreStats Stats() = 0;
  virtual StoreTraits traits() const = 0;

  // OK when the store answers a read now (one cheap round trip);
  // Unavailable when it does not, and after Close(). Readiness asks it.
  virtual absl::Status CheckReachable() = 0;

  // Finishes queued writes and stops background work. Idempotent. Writes
  // submitted afterwards fail with Unavailable.
  virtual void Close() = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_STORE_H_
