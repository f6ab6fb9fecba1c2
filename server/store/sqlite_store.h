// The embedded default store: one SQLite file in WAL mode with
// synchronous=FULL, a single group-committing writer, and a small pool of
// read connections.
//
// Contract: see store.h. In addition:
// - The database file (and so its -wal and -shm files, which SQLite creates
//   with the same mode) is created with mode 0600, its folder with 0700.
// - Schema migrations run in Open(); a newer schema is refused.
// - Another process (integrator-admin) may use the same file at once; SQLite's
//   locking serialises the writers, with a busy timeout of five seconds.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<SqliteStore>> store =
//       SqliteStore::Open("data/integrator.db", {});
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_STORE_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_STORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/group_commit_writer.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_reader_pool.h"
#include "server/store/sqlite_sealed_rows.h"
#include "server/store/sqlite_statement.h"
#include "server/store/sqlite_webhook_store.h"
#include "server/store/store.h"

namespace integrator {

class SqliteStore : public Store {
 public:
  struct Options {
    absl::Duration simulated_commit_latency = absl::ZeroDuration();
  };

  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      absl::string_view path, const Options& options);

 private:
  // Only Open() constructs, so every instance has a migrated schema.
  struct OpenedTag {
    explicit OpenedTag() = default;
  };

 public:
  SqliteStore(OpenedTag, std::string path, std::string journal_mode,
              std::string synchronous, SqliteDb writer_db,
              const Options& options);
  ~SqliteStore() override;

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
  WebhookStore& webhooks() override { return webhooks_; }
  SealedRowStore& sealed_rows() override { return sealed_rows_; }
  StoreStats Stats() override;
  absl::StatusOr<int64_t> SizeBytes() override;
  StoreTraits traits() const override {
    return {.embedded = true, .durable = true};
  }
  absl::Status CheckReachable() override;
  void Close() override;

 private:
  SqliteReaderPool readers_;
  const std::string journal_mode_;
  const std::string synchronous_;
  GroupCommitWriter writer_;
  SqliteWebhookStore webhooks_{&readers_, &writer_};
  SqliteSealedRows sealed_rows_{&readers_, &writer_};
  std::atomic<bool> closed_{false};
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_STORE_H_
