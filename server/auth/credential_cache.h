// Credentials served from memory for a bounded time, in front of a store
// that other processes also write (PostgreSQL replicas; integrator-admin on
// a SQLite file), so that authenticating a call is a round trip or a read
// transaction only once per key per `ttl`, not on every call (DESIGN.md,
// "Storage": credential lookups never wait on the network on every call;
// revocation reaches every replica within 5 s).
//
// Contract: a CredentialStore. FindApiKeyByHash and FindSigningKey answer
// from the cache while an entry is younger than `ttl`, and from the store
// otherwise (then remember what it said). Only keys that were found are
// kept, so a key created a moment ago works at once, and a key revoked
// anywhere stops working at most `ttl` later (at once when revoked through
// this object). At most `max_entries` are kept; a full cache starts over.
// Every write passes through to the store. Thread-safe.
//
// EXAMPLE:
//   CredentialCache cached(store.get(), absl::Seconds(2));
//   Authenticator auth(&cached, &sealer);
#ifndef INTEGRATOR_SERVER_AUTH_CREDENTIAL_CACHE_H_
#define INTEGRATOR_SERVER_AUTH_CREDENTIAL_CACHE_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/credential_store.h"

namespace integrator::auth {

class CredentialCache final : public CredentialStore {
 public:
  static constexpr size_t kDefaultMaxEntries = 100000;

  CredentialCache(CredentialStore* store, absl::Duration ttl,
                  size_t max_entries = kDefaultMaxEntries)
      : store_(store), ttl_(ttl), max_entries_(max_entries) {}

  absl::StatusOr<ApiKeyRecord> FindApiKeyByHash(
      absl::string_view key_hash) override;
  absl::StatusOr<SigningKeyRecord> FindSigningKey(
      absl::string_view key_id) override;

  absl::Status CreateApiKey(const ApiKeyRecord& key) override {
    return store_->CreateApiKey(key);
  }
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(
      absl::string_view id_or_prefix) override;
  absl::Status CreateSigningKey(const SigningKeyRecord& key,
                                SealFn seal) override {
    return store_->CreateSigningKey(key, std::move(seal));
  }
  absl::Status RevokeSigningKey(absl::string_view key_id) override;
  void RecordSignatureUse(SignatureUse use, DoneFn done) override {
    store_->RecordSignatureUse(std::move(use), std::move(done));
  }

 private:
  template <typename Record>
  struct Entry {
    Record record;
    absl::Time fetched;
  };

  // The fresh entry for `key`, else what `fetch` finds (then remembered).
  template <typename Record>
  absl::StatusOr<Record> Lookup(
      absl::flat_hash_map<std::string, Entry<Record>>& cache,
      absl::string_view key, absl::FunctionRef<absl::StatusOr<Record>()> fetch)
      ABSL_LOCKS_EXCLUDED(mu_);

  CredentialStore* store_;
  const absl::Duration ttl_;
  const size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry<ApiKeyRecord>> api_keys_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry<SigningKeyRecord>> signing_keys_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_CREDENTIAL_CACHE_H_
