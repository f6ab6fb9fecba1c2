#include "server/store/memory_store.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/time/clock.h"

namespace integrator {

absl::Status MemoryStore::CreateIntegrator(const Integrator& integrator) {
  absl::MutexLock lock(&mu_);
  if (!integrators_.emplace(integrator.id, integrator).second) {
    return absl::AlreadyExistsError("integrator already exists");
  }
  return absl::OkStatus();
}

absl::StatusOr<Integrator> MemoryStore::FindIntegrator(absl::string_view id) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = integrators_.find(std::string(id));
  if (it == integrators_.end())
    return absl::NotFoundError("integrator not found");
  return it->second;
}

absl::StatusOr<std::vector<Integrator>> MemoryStore::ListIntegrators() {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Integrator> out;
  for (const auto& [id, integrator] : integrators_) out.push_back(integrator);
  return out;
}

absl::Status MemoryStore::CreateApiKey(const ApiKeyRecord& key) {
  absl::MutexLock lock(&mu_);
  if (!key.integrator_id.empty() && !integrators_.contains(key.integrator_id)) {
    return absl::NotFoundError("integrator not found");
  }
  for (const auto& [hash, existing] : keys_by_hash_) {
    if (existing.key_id == key.key_id) {
      return absl::AlreadyExistsError("key id already exists");
    }
  }
  if (!keys_by_hash_.emplace(key.key_hash, key).second) {
    return absl::AlreadyExistsError("key already exists");
  }
  return absl::OkStatus();
}

absl::StatusOr<ApiKeyRecord> MemoryStore::FindApiKeyByHash(
    absl::string_view key_hash) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = keys_by_hash_.find(key_hash);
  if (it == keys_by_hash_.end())
    return absl::NotFoundError("API key not found");
  return it->second;
}

absl::StatusOr<ApiKeyRecord> MemoryStore::RevokeApiKey(
    absl::string_view id_or_prefix) {
  absl::MutexLock lock(&mu_);
  ApiKeyRecord* match = nullptr;
  for (auto& [hash, key] : keys_by_hash_) {
    if (key.key_id != id_or_prefix && key.display_prefix != id_or_prefix) {
      continue;
    }
    if (match != nullptr) {
      return absl::FailedPreconditionError(
          "several keys share that prefix; give the key id");
    }
    match = &key;
  }
  if (match == nullptr)
    return absl::NotFoundError("no key has that id or prefix");
  if (!match->revoked_at_ms.has_value()) {
    match->revoked_at_ms = absl::ToUnixMillis(absl::Now());
  }
  return *match;
}

absl::Status MemoryStore::CreateSigningKey(const SigningKeyRecord& key,
                                           SealFn seal) {
  absl::MutexLock lock(&mu_);
  if (!integrators_.contains(key.integrator_id)) {
    return absl::NotFoundError("integrator not found");
  }
  if (signing_keys_.contains(key.key_id)) {
    return absl::AlreadyExistsError("signing key already exists");
  }
  int64_t version = 0;
  for (const auto& [id, existing] : signing_keys_) {
    if (existing.integrator_id == key.integrator_id) {
      version = std::max(version, existing.sealed_secret.version);
    }
  }
  absl::StatusOr<SealedSecret> sealed = seal(version + 1);
  if (!sealed.ok()) return sealed.status();
  SigningKeyRecord stored = key;
  stored.sealed_secret = std::move(*sealed);
  signing_keys_.emplace(key.key_id, std::move(stored));
  return absl::OkStatus();
}

absl::StatusOr<SigningKeyRecord> MemoryStore::FindSigningKey(
    absl::string_view key_id) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = signing_keys_.find(key_id);
  if (it == signing_keys_.end())
    return absl::NotFoundError("signing key not found");
  return it->second;
}

absl::Status MemoryStore::RevokeSigningKey(absl::string_view key_id) {
  absl::MutexLock lock(&mu_);
  auto it = signing_keys_.find(key_id);
  if (it == signing_keys_.end())
    return absl::NotFoundError("signing key not found");
  if (!it->second.revoked_at_ms.has_value()) {
    it->second.revoked_at_ms = absl::ToUnixMillis(absl::Now());
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::InsertSignatureUseLocked(const SignatureUse& use) {
  const int64_t now = absl::ToUnixMillis(absl::Now());
  if (absl::Status s = CheckSignatureUseFresh(use, now); !s.ok()) return s;
  absl::erase_if(used_signatures_, [now](const auto& entry) {
    return SignatureUseForgettable(entry.second, now);
  });
  if (!used_signatures_.emplace(use.signature_id, use.expires_at_ms).second) {
    return absl::AlreadyExistsError("signature already used");
  }
  return absl::OkStatus();
}

void MemoryStore::RecordSignatureUse(SignatureUse use, DoneFn done) {
  absl::Status result;
  {
    absl::MutexLock lock(&mu_);
    result = closed_ ? absl::UnavailableError("the store is shutting down")
                     : InsertSignatureUseLocked(use);
  }
  done(std::move(result));
}

void MemoryStore::ReplaceSecretLocked(const std::string& integrator_id,
                                      SealedSecret sealed,
                                      int64_t keep_previous_until_ms) {
  WebhookSecrets& secrets = webhook_secrets_[integrator_id];
  const bool had_one = secrets.current.version > 0;
  if (keep_previous_until_ms > 0 && had_one) {
    secrets.previous = std::move(secrets.current);
    secrets.previous_expires_at_ms = keep_previous_until_ms;
  } else {
    secrets.previous.reset();
    secrets.previous_expires_at_ms = 0;
  }
  secrets.current = std::move(sealed);
}

void MemoryStore::UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                      DoneFn done,
                                      std::optional<SignatureUse> signature,
                                      int64_t keep_previous_until_ms) {
  // Sealing happens outside the lock, for the version read just before; the
  // commit checks that no other write took that version meanwhile and seals
  // again if one did. So concurrent calls, and the key lookups of every
  // call, do not wait for each other's sealing.
  absl::Status result;
  // After a few lost races, seal under the write lock instead: a caller is
  // never starved by writers of the same integrator.
  constexpr int kOptimisticTries = 3;
  for (int attempt = 1;; ++attempt) {
    if (attempt > kOptimisticTries) {
      result = UpdateWebhookSecretLocked(integrator_id, seal, signature,
                                         keep_previous_until_ms);
      break;
    }
    int64_t version = 0;
    {
      absl::ReaderMutexLock lock(&mu_);
      if (closed_) {
        result = absl::UnavailableError("the store is shutting down");
        break;
      }
      if (!integrators_.contains(integrator_id)) {
        result = absl::NotFoundError("integrator not found");
        break;
      }
      auto it = webhook_secrets_.find(integrator_id);
      if (it != webhook_secrets_.end()) version = it->second.current.version;
    }
    absl::StatusOr<SealedSecret> sealed = seal(version + 1);
    if (!sealed.ok()) {
      result = sealed.status();
      break;
    }
    absl::MutexLock lock(&mu_);
    if (closed_) {
      result = absl::UnavailableError("the store is shutting down");
      break;
    }
    auto it = webhook_secrets_.find(integrator_id);
    const int64_t current =
        it == webhook_secrets_.end() ? 0 : it->second.current.version;
    if (current != version) continue;  // another write won; seal again
    if (signature.has_value()) {
      result = InsertSignatureUseLocked(*signature);
      if (!result.ok()) break;
    }
    ReplaceSecretLocked(integrator_id, std::move(*sealed),
                        keep_previous_until_ms);
    ++updates_;
    break;
  }
  done(std::move(result));
}

absl::Status MemoryStore::UpdateWebhookSecretLocked(
    const std::string& integrator_id, SealFn& seal,
    const std::optional<SignatureUse>& signature,
    int64_t keep_previous_until_ms) {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the store is shutting down");
  if (!integrators_.contains(integrator_id)) {
    return absl::NotFoundError("integrator not found");
  }
  auto it = webhook_secrets_.find(integrator_id);
  const int64_t version =
      it == webhook_secrets_.end() ? 0 : it->second.current.version;
  absl::StatusOr<SealedSecret> sealed = seal(version + 1);
  if (!sealed.ok()) return sealed.status();
  if (signature.has_value()) {
    if (absl::Status s = InsertSignatureUseLocked(*signature); !s.ok()) {
      return s;
    }
  }
  ReplaceSecretLocked(integrator_id, std::move(*sealed),
                      keep_previous_until_ms);
  ++updates_;
  return absl::OkStatus();
}

absl::StatusOr<SealedSecret> MemoryStore::GetWebhookSecret(
    absl::string_view integrator_id) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = webhook_secrets_.find(integrator_id);
  if (it == webhook_secrets_.end()) {
    return absl::NotFoundError("no webhook secret is set");
  }
  return it->second.current;
}

absl::StatusOr<WebhookSecrets> MemoryStore::GetWebhookSecrets(
    absl::string_view integrator_id, int64_t now_ms) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = webhook_secrets_.find(integrator_id);
  if (it == webhook_secrets_.end()) {
    return absl::NotFoundError("no webhook secret is set");
  }
  WebhookSecrets secrets = it->second;
  if (secrets.previous_expires_at_ms <= now_ms) {
    secrets.previous.reset();
    secrets.previous_expires_at_ms = 0;
  }
  return secrets;
}

absl::StatusOr<int> MemoryStore::EraseExpiredPreviousSecrets(int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  int erased = 0;
  for (auto& [id, secrets] : webhook_secrets_) {
    if (secrets.previous.has_value() &&
        secrets.previous_expires_at_ms <= now_ms) {
      secrets.previous.reset();
      secrets.previous_expires_at_ms = 0;
      ++erased;
    }
  }
  return erased;
}

StoreStats MemoryStore::Stats() {
  absl::ReaderMutexLock lock(&mu_);
  return StoreStats{"memory", "none", "none", updates_, updates_};
}

absl::Status MemoryStore::CheckReachable() {
  absl::ReaderMutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the store is closed");
  return absl::OkStatus();
}

void MemoryStore::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

}  // namespace integrator
