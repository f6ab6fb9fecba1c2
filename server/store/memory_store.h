// A store that keeps everything in process memory: for tests and for the
// benchmark baseline that measures what durability costs.
//
// Contract: see store.h, except that nothing survives the process and
// "durable" means "in the map". Writes complete before UpdateWebhookSecret
// returns; `done` runs on the caller's thread. Stats report one commit per
// update, since there is nothing to batch.
//
// EXAMPLE:
//   MemoryStore store;
//   store.CreateIntegrator({"itg_1", "Acme", 0});
#ifndef INTEGRATOR_SERVER_STORE_MEMORY_STORE_H_
#define INTEGRATOR_SERVER_STORE_MEMORY_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "server/store/memory_webhook_store.h"
#include "server/store/store.h"

namespace integrator {

class MemoryStore : public Store, public SealedRowStore {
 public:
  absl::Status CreateIntegrator(const Integrator& integrator) override;
  absl::StatusOr<Integrator> FindIntegrator(absl::string_view id) override;
  absl::StatusOr<std::vector<Integrator>> ListIntegrators() override;
  absl::Status CreateApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<ApiKeyRecord> FindApiKeyByHash(
      absl::string_view key_hash) override;
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(
      absl::string_view id_or_prefix) override;
  absl::Status CreateSigningKey(const SigningKeyRecord& key,
                                SealFn seal) override;
  absl::StatusOr<SigningKeyRecord> FindSigningKey(
      absl::string_view key_id) override;
  absl::Status RevokeSigningKey(absl::string_view key_id) override;
  void RecordSignatureUse(SignatureUse use, DoneFn done) override;
  using WebhookSecretStore::UpdateWebhookSecret;
  void UpdateWebhookSecret(std::string integrator_id, SealFn seal, DoneFn done,
                           std::optional<SignatureUse> signature,
                           int64_t keep_previous_until_ms) override;
  absl::StatusOr<SealedSecret> GetWebhookSecret(
      absl::string_view integrator_id) override;
  absl::StatusOr<WebhookSecrets> GetWebhookSecrets(
      absl::string_view integrator_id, int64_t now_ms) override;
  absl::StatusOr<int> EraseExpiredPreviousSecrets(int64_t now_ms) override;
  SealedRowStore& sealed_rows() override { return *this; }
  absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCounts() override;
  absl::StatusOr<std::vector<SealedRow>> RowsNotSealedWith(
      absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
      size_t limit) override;
  absl::StatusOr<size_t> ReplaceSealing(
      absl::Span<const ResealedRow> rows) override;
  StoreStats Stats() override;
  absl::StatusOr<int64_t> SizeBytes() override { return 0; }
  WebhookStore& webhooks() override { return webhooks_; }
  StoreTraits traits() const override { return {.in_memory = true}; }
  absl::Status CheckReachable() override;
  void Close() override;

 private:
  // The pessimistic path of UpdateWebhookSecret: seals under the lock.
  absl::Status UpdateWebhookSecretLocked(
      const std::string& integrator_id, SealFn& seal,
      const std::optional<SignatureUse>& signature,
      int64_t keep_previous_until_ms) ABSL_LOCKS_EXCLUDED(mu_);
  // Makes `sealed` the current secret, keeping the replaced one until
  // `keep_previous_until_ms` (0: erased now).
  void ReplaceSecretLocked(const std::string& integrator_id,
                           SealedSecret sealed, int64_t keep_previous_until_ms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status InsertSignatureUseLocked(const SignatureUse& use)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  // Ordered, so listings are stable.
  std::map<std::string, Integrator> integrators_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, ApiKeyRecord> keys_by_hash_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, WebhookSecrets> webhook_secrets_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, SigningKeyRecord> signing_keys_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int64_t> used_signatures_
      ABSL_GUARDED_BY(mu_);
  uint64_t updates_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  MemoryWebhookStore webhooks_{
      [this](absl::string_view id) { return FindIntegrator(id).ok(); }};
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_MEMORY_STORE_H_
