// The shared store for many server replicas: PostgreSQL through libpq
// (`--store=postgresql://…`, a libpq URI, multi-host included, so failover
// is PostgreSQL's own). DESIGN.md, "Storage".
//
// Contract: see store.h. In addition:
// - Open() connects, runs the migrations under an advisory lock
//   (postgres_schema.h) and fails if the database cannot be reached.
// - Reads run on the calling thread with a pooled connection; the two
//   asynchronous writes (UpdateWebhookSecret, RecordSignatureUse) run off
//   it, so gRPC and HTTP threads never wait on the network for a write:
//   unsigned secret updates are group-committed by PgSecretWriter, signed
//   ones (which spend a signature in the same transaction) run alone on the
//   pool's workers. Every statement is bounded by `statement_timeout`.
// - Across replicas: the integrator's row is locked (SELECT … FOR UPDATE)
//   for each secret or signing-key write, so versions stay monotonic and
//   the last acknowledged write wins; a signature spent on one replica is
//   refused on every other (a primary key, in the same transaction).
// - OK means committed (synchronous_commit as the server is configured:
//   with a synchronous standby, on two machines).
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<PostgresStore>> store =
//       PostgresStore::Open("postgresql://integrator@db:5432/integrator", {});
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_STORE_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_STORE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/store/postgres_pool.h"
#include "server/store/postgres_sealed_rows.h"
#include "server/store/postgres_secret_writer.h"
#include "server/store/postgres_webhook_store.h"
#include "server/store/store.h"

namespace integrator {

class PostgresStore : public Store {
 public:
  using Options = PgPool::Options;

  static absl::StatusOr<std::unique_ptr<PostgresStore>> Open(
      const std::string& conninfo, const Options& options);

 private:
  // Only Open() constructs, so every instance has a migrated schema.
  struct OpenedTag {
    explicit OpenedTag() = default;
  };

 public:
  PostgresStore(OpenedTag, std::unique_ptr<PgPool> pool)
      : pool_(std::move(pool)),
        secret_writer_(std::make_unique<PgSecretWriter>(pool_.get())) {}
  ~PostgresStore() override;

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
    return {.durable = true, .shared_by_replicas = true};
  }
  absl::Status CheckReachable() override;
  void Close() override;

 private:
  // One statement on a pooled connection.
  absl::StatusOr<PgRows> Query(absl::string_view sql,
                               absl::Span<const PgParam> params = {});
  // Query for a read: run once more when the pooled connection turned out
  // dropped (PgConnection::Read).
  absl::StatusOr<PgRows> Select(absl::string_view sql,
                                absl::Span<const PgParam> params = {});
  // The first row of the read `sql` as `read` makes it; NotFound(`not_found`)
  // when there is none.
  template <typename T>
  absl::StatusOr<T> QueryOne(absl::string_view sql,
                             absl::Span<const PgParam> params,
                             absl::FunctionRef<T(const PgRows&, int)> read,
                             absl::string_view not_found) {
    absl::StatusOr<PgRows> rows = Select(sql, params);
    if (!rows.ok()) return rows.status();
    if (rows->size() == 0) return absl::NotFoundError(not_found);
    return read(*rows, 0);
  }
  // `body` in one transaction on a pooled connection.
  absl::Status Transact(absl::FunctionRef<absl::Status(PgConnection&)> body);

  std::unique_ptr<PgPool> pool_;
  // Unsigned secret updates, batched (postgres_secret_writer.h).
  std::unique_ptr<PgSecretWriter> secret_writer_;
  PostgresWebhookStore webhooks_{pool_.get()};
  PostgresSealedRows sealed_rows_{pool_.get()};
  std::atomic<bool> closed_{false};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> updates_{0};
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_STORE_H_
