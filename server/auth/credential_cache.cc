#include "server/auth/credential_cache.h"

#include <utility>

#include "absl/time/clock.h"

namespace integrator::auth {
namespace {

// The fresh entry for `key` in `map`, if any.
template <typename Map>
auto FreshEntry(Map& map, absl::string_view key, absl::Time now,
                absl::Duration ttl) -> decltype(&map.begin()->second) {
  auto it = map.find(key);
  if (it == map.end() || now - it->second.fetched >= ttl) return nullptr;
  return &it->second;
}

template <typename Map, typename Record>
void Remember(Map& map, size_t max_entries, std::string key, Record record,
              absl::Time now) {
  if (map.size() >= max_entries) map.clear();
  map[std::move(key)] = {std::move(record), now};
}

}  // namespace

absl::StatusOr<ApiKeyRecord> CredentialCache::FindApiKeyByHash(
    absl::string_view key_hash) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    if (auto* entry = FreshEntry(api_keys_, key_hash, now, ttl_)) {
      return entry->record;
    }
  }
  absl::StatusOr<ApiKeyRecord> found = store_->FindApiKeyByHash(key_hash);
  if (found.ok()) {
    absl::MutexLock lock(&mu_);
    Remember(api_keys_, max_entries_, std::string(key_hash), *found, now);
  }
  return found;
}

absl::StatusOr<SigningKeyRecord> CredentialCache::FindSigningKey(
    absl::string_view key_id) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    if (auto* entry = FreshEntry(signing_keys_, key_id, now, ttl_)) {
      return entry->record;
    }
  }
  absl::StatusOr<SigningKeyRecord> found = store_->FindSigningKey(key_id);
  if (found.ok()) {
    absl::MutexLock lock(&mu_);
    Remember(signing_keys_, max_entries_, std::string(key_id), *found, now);
  }
  return found;
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
