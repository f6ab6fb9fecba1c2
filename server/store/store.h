// The store of the service: one object per backend (memory, SQLite;
// PostgreSQL next) that implements every aggregate's interface
// (integrator_store.h, credential_store.h, webhook_secret_store.h,
// webhook_store.h) and what
// concerns the store as a whole: the master key ids it holds, its traits,
// counters, reachability and closing. Callers that need one aggregate take
// that interface.
//
// Contract:
// - Every method is thread-safe.
// - Secrets arrive sealed (see server/sealing/); a store never sees plaintext.
// - A write reports OK only once it is durable for that backend: for SQLite,
//   committed with WAL and synchronous=FULL. Concurrent writes may share one
//   commit (group commit); each still gets its own status.
// - Lookups that find nothing return NotFound. Error texts name what failed,
//   never a secret or a key.
// - One contract suite (store_contract_test.cc) runs on every backend.
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
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/credential_store.h"
#include "server/store/integrator_store.h"
#include "server/store/sealed_row_store.h"
#include "server/store/webhook_secret_store.h"
#include "server/store/webhook_store.h"
#include "server/store/write_callbacks.h"

namespace integrator {

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

class Store : public IntegratorStore,
              public CredentialStore,
              public WebhookSecretStore {
 public:
  ~Store() override = default;

  // The webhooks aggregate, a part of its own (it has its own tables and
  // outbox), owned by the store and valid until the store is destroyed.
  virtual WebhookStore& webhooks() = 0;

  // The sealed rows aggregate (secrets and API secrets, as master-key
  // rotation sees them), valid until the store is destroyed.
  virtual SealedRowStore& sealed_rows() = 0;

  virtual StoreStats Stats() = 0;
  // The bytes the store's data takes on disk (0 for the memory store):
  // reported by housekeeping next to what it pruned.
  virtual absl::StatusOr<int64_t> SizeBytes() = 0;
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
