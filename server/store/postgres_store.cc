#include "server/store/postgres_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/store/postgres_schema.h"
#include "server/store/store_metrics.h"

namespace integrator {
namespace {

constexpr absl::string_view kApiKeyColumns =
    "key_id, key_hash, display_prefix, integrator_id, service_name, scopes, "
    "created_at_ms, revoked_at_ms";
constexpr absl::string_view kSigningKeyColumns =
    "key_id, integrator_id, scopes, version, sealing_key_id, nonce, "
    "ciphertext, created_at_ms, revoked_at_ms";

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

std::vector<std::string> Scopes(const std::string& joined) {
  return absl::StrSplit(joined, ',', absl::SkipEmpty());
}

Integrator ReadIntegrator(const PgRows& rows, int row) {
  return Integrator{rows.Text(row, 0), rows.Text(row, 1), rows.Int(row, 2)};
}

ApiKeyRecord ReadApiKey(const PgRows& rows, int row) {
  ApiKeyRecord key;
  key.key_id = rows.Text(row, 0);
  key.key_hash = rows.Text(row, 1);
  key.display_prefix = rows.Text(row, 2);
  key.integrator_id = rows.Text(row, 3);
  key.service_name = rows.Text(row, 4);
  key.scopes = Scopes(rows.Text(row, 5));
  key.created_at_ms = rows.Int(row, 6);
  if (!rows.IsNull(row, 7)) key.revoked_at_ms = rows.Int(row, 7);
  return key;
}

SigningKeyRecord ReadSigningKey(const PgRows& rows, int row) {
  SigningKeyRecord key;
  key.key_id = rows.Text(row, 0);
  key.integrator_id = rows.Text(row, 1);
  key.scopes = Scopes(rows.Text(row, 2));
  key.sealed_secret = SealedSecret{rows.Int(row, 3), rows.Text(row, 4),
                                   rows.Bytes(row, 5), rows.Bytes(row, 6)};
  key.created_at_ms = rows.Int(row, 7);
  if (!rows.IsNull(row, 8)) key.revoked_at_ms = rows.Int(row, 8);
  return key;
}

// Prunes long-expired signatures, then spends this one (see SignatureUse).
absl::Status SpendSignature(PgConnection& conn, const SignatureUse& use) {
  const int64_t now = NowMs();
  if (absl::Status s = CheckSignatureUseFresh(use, now); !s.ok()) return s;
  // The SQL form of SignatureUseForgettable.
  if (absl::Status s =
          conn.Run("DELETE FROM used_signatures WHERE expires_at_ms < $1",
                   {PgParam::Int(now - kSignatureUseRetentionMs)});
      !s.ok()) {
    return s;
  }
  absl::Status s = conn.Run(
      "INSERT INTO used_signatures(signature_id, expires_at_ms)"
      " VALUES($1, $2)",
      {PgParam::Text(use.signature_id), PgParam::Int(use.expires_at_ms)});
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError("signature already used");
  }
  return s;
}

// Locks the integrator's row for this transaction, then reads
// `version_sql` (NULL as 0). Two statements on purpose: under READ
// COMMITTED a statement that waited for the lock still reads with the
// snapshot it started with, so the version must be read by a statement that
// starts after the lock is held, or concurrent writers reuse a version.
// NotFound when there is no such integrator.
absl::StatusOr<int64_t> LockIntegrator(PgConnection& conn,
                                       absl::string_view version_sql,
                                       absl::string_view integrator_id) {
  absl::StatusOr<PgRows> locked =
      conn.Exec("SELECT 1 FROM integrators WHERE id=$1 FOR UPDATE",
                {PgParam::Text(integrator_id)});
  if (!locked.ok()) return locked.status();
  if (locked->size() == 0) return absl::NotFoundError("integrator not found");
  absl::StatusOr<PgRows> version =
      conn.Exec(version_sql, {PgParam::Text(integrator_id)});
  if (!version.ok()) return version.status();
  return version->size() == 0 || version->IsNull(0, 0) ? 0 : version->Int(0, 0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(
    const std::string& conninfo, const Options& options) {
  auto pool = std::make_unique<PgPool>(conninfo, options);
  {
    absl::StatusOr<PgPool::Lease> conn = pool->Borrow();
    if (!conn.ok()) return conn.status();
    if (absl::Status s = MigratePostgresSchema(conn->conn()); !s.ok()) {
      return s;
    }
  }
  return std::make_unique<PostgresStore>(OpenedTag(), std::move(pool));
}

PostgresStore::~PostgresStore() { Close(); }

void PostgresStore::Close() {
  closed_ = true;
  secret_writer_->Close();
  pool_->Close();
}

absl::StatusOr<PgRows> PostgresStore::Query(absl::string_view sql,
                                            absl::Span<const PgParam> params) {
  if (closed_) return absl::UnavailableError("the store is closed");
  absl::StatusOr<PgPool::Lease> conn = pool_->Borrow();
  if (!conn.ok()) return conn.status();
  return conn->conn().Exec(sql, params);
}

absl::StatusOr<PgRows> PostgresStore::Select(absl::string_view sql,
                                             absl::Span<const PgParam> params) {
  if (closed_) return absl::UnavailableError("the store is closed");
  absl::StatusOr<PgPool::Lease> conn = pool_->Borrow();
  if (!conn.ok()) return conn.status();
  return conn->conn().Read(sql, params);
}

absl::Status PostgresStore::Transact(
    absl::FunctionRef<absl::Status(PgConnection&)> body) {
  if (closed_) return absl::UnavailableError("the store is closed");
  absl::StatusOr<PgPool::Lease> conn = pool_->Borrow();
  if (!conn.ok()) return conn.status();
  return conn->conn().InTransaction(body);
}

absl::Status PostgresStore::CheckReachable() {
  absl::StatusOr<PgRows> rows = Select("SELECT 1 FROM integrators LIMIT 1");
  if (!rows.ok()) return absl::UnavailableError(rows.status().message());
  return absl::OkStatus();
}

absl::Status PostgresStore::CreateIntegrator(const Integrator& integrator) {
  absl::StatusOr<PgRows> rows = Query(
      "INSERT INTO integrators(id, name, created_at_ms) VALUES($1, $2, $3)",
      {PgParam::Text(integrator.id), PgParam::Text(integrator.name),
       PgParam::Int(integrator.created_at_ms)});
  return rows.ok() ? absl::OkStatus() : rows.status();
}

absl::StatusOr<Integrator> PostgresStore::FindIntegrator(absl::string_view id) {
  return QueryOne<Integrator>(
      "SELECT id, name, created_at_ms FROM integrators WHERE id=$1",
      {PgParam::Text(id)}, ReadIntegrator, "integrator not found");
}

absl::StatusOr<std::vector<Integrator>> PostgresStore::ListIntegrators() {
  absl::StatusOr<PgRows> rows = Select(
      "SELECT id, name, created_at_ms FROM integrators"
      " ORDER BY created_at_ms, id");
  if (!rows.ok()) return rows.status();
  std::vector<Integrator> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back(ReadIntegrator(*rows, i));
  return out;
}

absl::Status PostgresStore::CreateApiKey(const ApiKeyRecord& key) {
  const bool for_integrator = !key.integrator_id.empty();
  absl::StatusOr<PgRows> rows = Query(
      absl::StrCat("INSERT INTO api_keys(", kApiKeyColumns,
                   ") VALUES($1, $2, $3, $4, $5, $6, $7, NULL)"),
      {PgParam::Text(key.key_id), PgParam::Text(key.key_hash),
       PgParam::Text(key.display_prefix),
       for_integrator ? PgParam::Text(key.integrator_id) : PgParam::Null(),
       for_integrator ? PgParam::Null() : PgParam::Text(key.service_name),
       PgParam::Text(absl::StrJoin(key.scopes, ",")),
       PgParam::Int(key.created_at_ms)});
  return rows.ok() ? absl::OkStatus() : rows.status();
}

absl::StatusOr<ApiKeyRecord> PostgresStore::FindApiKeyByHash(
    absl::string_view key_hash) {
  return QueryOne<ApiKeyRecord>(
      absl::StrCat("SELECT ", kApiKeyColumns,
                   " FROM api_keys WHERE key_hash=$1"),
      {PgParam::Text(key_hash)}, ReadApiKey, "API key not found");
}

absl::StatusOr<ApiKeyRecord> PostgresStore::RevokeApiKey(
    absl::string_view id_or_prefix) {
  ApiKeyRecord revoked;
  absl::Status s = Transact([&](PgConnection& db) {
    absl::StatusOr<PgRows> rows = db.Exec(
        absl::StrCat("SELECT ", kApiKeyColumns,
                     " FROM api_keys WHERE key_id=$1 OR display_prefix=$1"
                     " FOR UPDATE"),
        {PgParam::Text(id_or_prefix)});
    if (!rows.ok()) return rows.status();
    if (rows->size() == 0) {
      return absl::NotFoundError("no key has that id or prefix");
    }
    if (rows->size() > 1) {
      return absl::FailedPreconditionError(
          "several keys share that prefix; give the key id");
    }
    revoked = ReadApiKey(*rows, 0);
    if (revoked.revoked_at_ms.has_value()) return absl::OkStatus();
    revoked.revoked_at_ms = NowMs();
    return db.Run(
        "UPDATE api_keys SET revoked_at_ms=$1 WHERE key_id=$2",
        {PgParam::Int(*revoked.revoked_at_ms), PgParam::Text(revoked.key_id)});
  });
  if (!s.ok()) return s;
  return revoked;
}

absl::Status PostgresStore::CreateSigningKey(const SigningKeyRecord& key,
                                             SealFn seal) {
  return Transact([&](PgConnection& db) -> absl::Status {
    absl::StatusOr<int64_t> version = LockIntegrator(
        db, "SELECT MAX(version) FROM signing_keys WHERE integrator_id=$1",
        key.integrator_id);
    if (!version.ok()) return version.status();
    absl::StatusOr<SealedSecret> sealed = seal(*version + 1);
    if (!sealed.ok()) return sealed.status();
    return db.Run(
        absl::StrCat("INSERT INTO signing_keys(", kSigningKeyColumns,
                     ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, NULL)"),
        {PgParam::Text(key.key_id), PgParam::Text(key.integrator_id),
         PgParam::Text(absl::StrJoin(key.scopes, ",")),
         PgParam::Int(sealed->version), PgParam::Text(sealed->key_id),
         PgParam::Bytes(sealed->nonce), PgParam::Bytes(sealed->ciphertext),
         PgParam::Int(key.created_at_ms)});
  });
}

absl::StatusOr<SigningKeyRecord> PostgresStore::FindSigningKey(
    absl::string_view key_id) {
  return QueryOne<SigningKeyRecord>(
      absl::StrCat("SELECT ", kSigningKeyColumns,
                   " FROM signing_keys WHERE key_id=$1"),
      {PgParam::Text(key_id)}, ReadSigningKey, "signing key not found");
}

absl::Status PostgresStore::RevokeSigningKey(absl::string_view key_id) {
  absl::StatusOr<PgRows> rows = Query(
      "UPDATE signing_keys SET revoked_at_ms=COALESCE(revoked_at_ms, $1)"
      " WHERE key_id=$2",
      {PgParam::Int(NowMs()), PgParam::Text(key_id)});
  if (!rows.ok()) return rows.status();
  if (rows->affected() == 0) {
    return absl::NotFoundError("signing key not found");
  }
  return absl::OkStatus();
}

void PostgresStore::RecordSignatureUse(SignatureUse use, DoneFn done) {
  if (closed_) {
    return done(absl::UnavailableError("the store is shutting down"));
  }
  pool_->Submit([this, use = std::move(use), done = std::move(done)](
                    absl::StatusOr<PgConnection*> conn) mutable {
    if (!conn.ok()) return done(conn.status());
    const absl::Time begun = absl::Now();
    absl::Status s = (*conn)->InTransaction(
        [&](PgConnection& db) { return SpendSignature(db, use); });
    if (s.ok()) {
      ++commits_;
      StoreMetrics::For("postgres").Committed(1, 0, absl::Now() - begun);
    }
    done(std::move(s));
  });
}

void PostgresStore::UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                        DoneFn done,
                                        std::optional<SignatureUse> signature,
                                        int64_t keep_previous_until_ms) {
  if (closed_) {
    return done(absl::UnavailableError("the store is shutting down"));
  }
  // The batch writer keeps only each integrator's last update of a batch;
  // a rotation that keeps the previous secret must see exactly the one it
  // replaces, so it takes a transaction of its own.
  if (!signature.has_value() && keep_previous_until_ms == 0) {
    return secret_writer_->Submit(std::move(integrator_id), std::move(seal),
                                  std::move(done));
  }
  pool_->Submit([this, id = std::move(integrator_id), seal = std::move(seal),
                 done = std::move(done), signature = std::move(signature),
                 keep_previous_until_ms](
                    absl::StatusOr<PgConnection*> conn) mutable {
    if (!conn.ok()) return done(conn.status());
    const absl::Time begun = absl::Now();
    absl::Status s =
        (*conn)->InTransaction([&](PgConnection& db) -> absl::Status {
          absl::StatusOr<int64_t> version = LockIntegrator(
              db, "SELECT version FROM webhook_secrets WHERE integrator_id=$1",
              id);
          if (!version.ok()) return version.status();
          if (signature.has_value()) {
            if (absl::Status spent = SpendSignature(db, *signature);
                !spent.ok()) {
              return spent;
            }
          }
          absl::StatusOr<SealedSecret> sealed = seal(*version + 1);
          if (!sealed.ok()) return sealed.status();
          return db.Run(
              "INSERT INTO webhook_secrets(integrator_id, version, key_id,"
              " nonce, ciphertext, updated_at_ms)"
              " VALUES($1, $2, $3, $4, $5, $6)"
              " ON CONFLICT(integrator_id) DO UPDATE SET"
              " prev_version=CASE WHEN $7::bigint>0"
              "   THEN webhook_secrets.version END,"
              " prev_key_id=CASE WHEN $7::bigint>0"
              "   THEN webhook_secrets.key_id END,"
              " prev_nonce=CASE WHEN $7::bigint>0"
              "   THEN webhook_secrets.nonce END,"
              " prev_ciphertext=CASE WHEN $7::bigint>0"
              "   THEN webhook_secrets.ciphertext END,"
              " prev_expires_at_ms=CASE WHEN $7::bigint>0 THEN $7::bigint END,"
              " version=excluded.version, key_id=excluded.key_id,"
              " nonce=excluded.nonce, ciphertext=excluded.ciphertext,"
              " updated_at_ms=excluded.updated_at_ms",
              {PgParam::Text(id), PgParam::Int(sealed->version),
               PgParam::Text(sealed->key_id), PgParam::Bytes(sealed->nonce),
               PgParam::Bytes(sealed->ciphertext), PgParam::Int(NowMs()),
               PgParam::Int(keep_previous_until_ms)});
        });
    if (s.ok()) {
      ++commits_;
      ++updates_;
      StoreMetrics::For("postgres").Committed(1, 1, absl::Now() - begun);
    }
    done(std::move(s));
  });
}

absl::StatusOr<SealedSecret> PostgresStore::GetWebhookSecret(
    absl::string_view integrator_id) {
  return QueryOne<SealedSecret>(
      "SELECT version, key_id, nonce, ciphertext FROM webhook_secrets"
      " WHERE integrator_id=$1",
      {PgParam::Text(integrator_id)},
      [](const PgRows& rows, int row) {
        return SealedSecret{rows.Int(row, 0), rows.Text(row, 1),
                            rows.Bytes(row, 2), rows.Bytes(row, 3)};
      },
      "no webhook secret is set");
}

absl::StatusOr<WebhookSecrets> PostgresStore::GetWebhookSecrets(
    absl::string_view integrator_id, int64_t now_ms) {
  absl::StatusOr<PgRows> rows = Select(
      "SELECT version, key_id, nonce, ciphertext, prev_version,"
      " prev_key_id, prev_nonce, prev_ciphertext, prev_expires_at_ms"
      " FROM webhook_secrets WHERE integrator_id=$1",
      {PgParam::Text(integrator_id)});
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return absl::NotFoundError("no webhook secret is set");
  WebhookSecrets secrets;
  secrets.current = SealedSecret{rows->Int(0, 0), rows->Text(0, 1),
                                 rows->Bytes(0, 2), rows->Bytes(0, 3)};
  if (!rows->IsNull(0, 4) && rows->Int(0, 8) > now_ms) {
    secrets.previous = SealedSecret{rows->Int(0, 4), rows->Text(0, 5),
                                    rows->Bytes(0, 6), rows->Bytes(0, 7)};
    secrets.previous_expires_at_ms = rows->Int(0, 8);
  }
  return secrets;
}

absl::StatusOr<int> PostgresStore::EraseExpiredPreviousSecrets(int64_t now_ms) {
  absl::StatusOr<PgRows> rows = Query(
      "UPDATE webhook_secrets SET prev_version=NULL, prev_key_id=NULL,"
      " prev_nonce=NULL, prev_ciphertext=NULL, prev_expires_at_ms=NULL"
      " WHERE prev_expires_at_ms IS NOT NULL AND prev_expires_at_ms<=$1",
      {PgParam::Int(now_ms)});
  if (!rows.ok()) return rows.status();
  return static_cast<int>(rows->affected());
}

absl::StatusOr<int64_t> PostgresStore::SizeBytes() {
  absl::StatusOr<PgRows> rows =
      Select("SELECT pg_database_size(current_database())");
  if (!rows.ok()) return rows.status();
  return rows->Int(0, 0);
}

StoreStats PostgresStore::Stats() {
  return StoreStats{"postgresql", "", "",
                    commits_.load() + secret_writer_->commits(),
                    updates_.load() + secret_writer_->updates()};
}

}  // namespace integrator
