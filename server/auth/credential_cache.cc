#include "server/auth/credential_cache.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"

namespace integrator::auth {

template <typename Record>
absl::StatusOr<Record> CredentialCache::Lookup(
    absl::flat_hash_map<std::string, Entry<Record>>& cache,
    absl::string_view key, absl::FunctionRef<absl::StatusOr<Record>()> fetch) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache.find(key);
    if (it != cache.end() && now - it->second.fetched < ttl_) {
      return it->second.record;
    }
  }
  absl::StatusOr<Record> found = fetch();
  if (found.ok()) {
    absl::MutexLock lock(&mu_);
    if (cache.size() >= max_entries_) cache.clear();
    cache[std::string(key)] = {*found, now};
  }
  return found;
}

absl::StatusOr<ApiKeyRecord> CredentialCache::FindApiKeyByHash(
    absl::string_view key_hash) {
  return Lookup<ApiKeyRecord>(
      api_keys_, key_hash, [&] { return store_->FindApiKeyByHash(key_hash); });
}

absl::StatusOr<SigningKeyRecord> CredentialCache::FindSigningKey(
    absl::string_view key_id) {
  return Lookup<SigningKeyRecord>(
      signing_keys_, key_id, [&] { return store_->FindSigningKey(key_id); });
}

absl::StatusOr<ApiKeyRecord> CredentialCache::RevokeApiKey(
    absl::string_view id_or_prefix) {
  absl::StatusOr<ApiKeyRecord> revoked = store_->RevokeApiKey(id_or_prefix);
  if (revoked.ok()) {
    absl::MutexLock lock(&mu_);
    api_keys_.erase(revoked->key_hash);
  }
  return revoked;
}

absl::Status CredentialCache::RevokeSigningKey(absl::string_view key_id) {
  absl::Status revoked = store_->RevokeSigningKey(key_id);
  absl::MutexLock lock(&mu_);
  signing_keys_.erase(key_id);
  return revoked;
}

}  // namespace integrator::auth
