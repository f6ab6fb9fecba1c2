#include "server/store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/store/sqlite_schema.h"

namespace integrator {
namespace {

constexpr absl::string_view kApiKeyColumns =
    "key_id, key_hash, display_prefix, integrator_id, service_name, scopes, "
    "created_at_ms, revoked_at_ms";

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

absl::Status CreateFileOwnerOnly(const std::string& path) {
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::exists(p.parent_path())) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create the folder of ", path, ": ", ec.message()));
    }
    std::filesystem::permissions(p.parent_path(),
                                 std::filesystem::perms::owner_all, ec);
  }
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open database file ", path));
  }
  // An existing file made by hand may be wider; secrets live in it.
  const int rc = fchmod(fd, 0600);
  close(fd);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot restrict database file ", path, " to mode 0600"));
  }
  return absl::OkStatus();
}

std::string SynchronousName(absl::string_view level) {
  if (level == "0") return "off";
  if (level == "1") return "normal";
  if (level == "2") return "full";
  if (level == "3") return "extra";
  return std::string(level);
}

Integrator ReadIntegrator(const SqliteStatement& row) {
  return Integrator{row.ColumnText(0), row.ColumnText(1), row.ColumnInt64(2)};
}

ApiKeyRecord ReadApiKey(const SqliteStatement& row) {
  ApiKeyRecord key;
  key.key_id = row.ColumnText(0);
  key.key_hash = row.ColumnText(1);
  key.display_prefix = row.ColumnText(2);
  key.integrator_id = row.ColumnText(3);
  key.service_name = row.ColumnText(4);
  key.scopes = absl::StrSplit(row.ColumnText(5), ',', absl::SkipEmpty());
  key.created_at_ms = row.ColumnInt64(6);
  if (!row.ColumnIsNull(7)) key.revoked_at_ms = row.ColumnInt64(7);
  return key;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    absl::string_view path, const Options& options) {
  const std::string p(path);
  if (absl::Status s = CreateFileOwnerOnly(p); !s.ok()) return s;
  absl::StatusOr<SqliteDb> db = OpenSqliteConnection(p);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::string> journal_mode =
      SqliteQueryText(db->get(), "PRAGMA journal_mode=WAL");
  if (!journal_mode.ok()) return journal_mode.status();
  if (*journal_mode != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot put ", p, " in WAL mode (got ", *journal_mode, ")"));
  }
  absl::StatusOr<std::string> synchronous =
      SqliteQueryText(db->get(), "PRAGMA synchronous");
  if (!synchronous.ok()) return synchronous.status();
  if (absl::Status s = MigrateSqliteSchema(db->get()); !s.ok()) return s;
  return std::make_unique<SqliteStore>(OpenedTag(), p, *journal_mode,
                                       SynchronousName(*synchronous),
                                       std::move(*db), options);
}

SqliteStore::SqliteStore(OpenedTag, std::string path, std::string journal_mode,
                         std::string synchronous, SqliteDb writer_db,
                         const Options& options)
    : readers_(path),
      journal_mode_(std::move(journal_mode)),
      synchronous_(std::move(synchronous)),
      writer_(
          std::move(writer_db),
          GroupCommitWriter::Options{.simulated_commit_latency =
                                         options.simulated_commit_latency}) {}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Close() {
  closed_ = true;
  writer_.Close();
}

absl::Status SqliteStore::CheckReachable() {
  if (closed_) return absl::UnavailableError("the store is closed");
  // Reads a page of the file, not just the connection's cache of it.
  absl::Status s = readers_.Query("SELECT 1 FROM integrators LIMIT 1",
                                  SqliteReaderPool::NoParameters,
                                  [](SqliteStatement&) { return false; });
  if (!s.ok()) return absl::UnavailableError(s.message());
  return absl::OkStatus();
}

absl::Status SqliteStore::CreateIntegrator(const Integrator& integrator) {
  return writer_.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
    absl::StatusOr<SqliteStatement> stmt = db.Prepare(
        "INSERT INTO integrators(id, name, created_at_ms) VALUES(?,?,?)");
    if (!stmt.ok()) return stmt.status();
    return stmt->BindText(1, integrator.id)
        .BindText(2, integrator.name)
        .BindInt64(3, integrator.created_at_ms)
        .Run();
  });
}

absl::StatusOr<Integrator> SqliteStore::FindIntegrator(absl::string_view id) {
  return readers_.QueryOne<Integrator>(
      "SELECT id, name, created_at_ms FROM integrators WHERE id=?",
      [&](SqliteStatement& q) { q.BindText(1, id); }, ReadIntegrator,
      "integrator not found");
}

absl::StatusOr<std::vector<Integrator>> SqliteStore::ListIntegrators() {
  return readers_.QueryAll<Integrator>(
      "SELECT id, name, created_at_ms FROM integrators"
      " ORDER BY created_at_ms, id",
      SqliteReaderPool::NoParameters, ReadIntegrator);
}

absl::Status SqliteStore::CreateApiKey(const ApiKeyRecord& key) {
  return writer_.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
    absl::StatusOr<SqliteStatement> stmt =
        db.Prepare(absl::StrCat("INSERT INTO api_keys(", kApiKeyColumns,
                                ") VALUES(?,?,?,?,?,?,?,NULL)"));
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, key.key_id)
        .BindText(2, key.key_hash)
        .BindText(3, key.display_prefix)
        .BindText(6, absl::StrJoin(key.scopes, ","))
        .BindInt64(7, key.created_at_ms);
    if (key.integrator_id.empty()) {
      stmt->BindNull(4).BindText(5, key.service_name);
    } else {
      stmt->BindText(4, key.integrator_id).BindNull(5);
    }
    return stmt->Run();
  });
}

absl::StatusOr<ApiKeyRecord> SqliteStore::FindApiKeyByHash(
    absl::string_view key_hash) {
  return readers_.QueryOne<ApiKeyRecord>(
      absl::StrCat("SELECT ", kApiKeyColumns,
                   " FROM api_keys WHERE key_hash=?"),
      [&](SqliteStatement& q) { q.BindText(1, key_hash); }, ReadApiKey,
      "API key not found");
}

absl::StatusOr<ApiKeyRecord> SqliteStore::RevokeApiKey(
    absl::string_view id_or_prefix) {
  ApiKeyRecord revoked;
  absl::Status s =
      writer_.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
        absl::StatusOr<SqliteStatement> find = db.Prepare(absl::StrCat(
            "SELECT ", kApiKeyColumns,
            " FROM api_keys WHERE key_id=?1 OR display_prefix=?1"));
        if (!find.ok()) return find.status();
        find->BindText(1, id_or_prefix);
        std::vector<ApiKeyRecord> matches;
        for (;;) {
          absl::StatusOr<bool> row = find->Step();
          if (!row.ok()) return row.status();
          if (!*row) break;
          matches.push_back(ReadApiKey(*find));
        }
        if (matches.empty())
          return absl::NotFoundError("no key has that id or prefix");
        if (matches.size() > 1) {
          return absl::FailedPreconditionError(
              "several keys share that prefix; give the key id");
        }
        revoked = std::move(matches.front());
        if (revoked.revoked_at_ms.has_value()) return absl::OkStatus();
        revoked.revoked_at_ms = NowMs();
        absl::StatusOr<SqliteStatement> update =
            db.Prepare("UPDATE api_keys SET revoked_at_ms=? WHERE key_id=?");
        if (!update.ok()) return update.status();
        return update->BindInt64(1, *revoked.revoked_at_ms)
            .BindText(2, revoked.key_id)
            .Run();
      });
  if (!s.ok()) return s;
  return revoked;
}

absl::Status SqliteStore::CreateSigningKey(const SigningKeyRecord& key,
                                           SealFn seal) {
  return writer_.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
    absl::StatusOr<SqliteStatement> find = db.Prepare(
        "SELECT (SELECT MAX(version) FROM signing_keys WHERE integrator_id=?1)"
        " FROM integrators WHERE id=?1");
    if (!find.ok()) return find.status();
    absl::StatusOr<bool> row = find->BindText(1, key.integrator_id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError("integrator not found");
    const int64_t version = find->ColumnIsNull(0) ? 0 : find->ColumnInt64(0);
    absl::StatusOr<SealedSecret> sealed = seal(version + 1);
    if (!sealed.ok()) return sealed.status();
    absl::StatusOr<SqliteStatement> insert = db.Prepare(
        "INSERT INTO signing_keys(key_id, integrator_id, scopes, version,"
        " sealing_key_id, nonce, ciphertext, created_at_ms)"
        " VALUES(?,?,?,?,?,?,?,?)");
    if (!insert.ok()) return insert.status();
    return insert->BindText(1, key.key_id)
        .BindText(2, key.integrator_id)
        .BindText(3, absl::StrJoin(key.scopes, ","))
        .BindInt64(4, sealed->version)
        .BindText(5, sealed->key_id)
        .BindBlob(6, sealed->nonce)
        .BindBlob(7, sealed->ciphertext)
        .BindInt64(8, key.created_at_ms)
        .Run();
  });
}

absl::StatusOr<SigningKeyRecord> SqliteStore::FindSigningKey(
    absl::string_view key_id) {
  return readers_.QueryOne<SigningKeyRecord>(
      "SELECT key_id, integrator_id, scopes, version, sealing_key_id, nonce,"
      " ciphertext, created_at_ms, revoked_at_ms FROM signing_keys"
      " WHERE key_id=?",
      [&](SqliteStatement& q) { q.BindText(1, key_id); },
      [](SqliteStatement& row) {
        SigningKeyRecord key;
        key.key_id = row.ColumnText(0);
        key.integrator_id = row.ColumnText(1);
        key.scopes = absl::StrSplit(row.ColumnText(2), ',', absl::SkipEmpty());
        key.sealed_secret = SealedSecret{row.ColumnInt64(3), row.ColumnText(4),
                                         row.ColumnBlob(5), row.ColumnBlob(6)};
        key.created_at_ms = row.ColumnInt64(7);
        if (!row.ColumnIsNull(8)) key.revoked_at_ms = row.ColumnInt64(8);
        return key;
      },
      "signing key not found");
}

absl::Status SqliteStore::RevokeSigningKey(absl::string_view key_id) {
  return writer_.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
    absl::StatusOr<SqliteStatement> update = db.Prepare(
        "UPDATE signing_keys SET revoked_at_ms=COALESCE(revoked_at_ms, ?)"
        " WHERE key_id=?");
    if (!update.ok()) return update.status();
    if (absl::Status s =
            update->BindInt64(1, NowMs()).BindText(2, key_id).Run();
        !s.ok()) {
      return s;
    }
    if (sqlite3_changes(db.get()) == 0)
      return absl::NotFoundError("signing key not found");
    return absl::OkStatus();
  });
}

namespace {

// Prunes long-expired signatures, then spends this one (see SignatureUse).
absl::Status InsertSignatureUse(SqliteConnection& db, const SignatureUse& use) {
  const int64_t now = NowMs();
  if (absl::Status s = CheckSignatureUseFresh(use, now); !s.ok()) return s;
  // The SQL form of SignatureUseForgettable.
  absl::StatusOr<SqliteStatement> prune =
      db.Prepare("DELETE FROM used_signatures WHERE expires_at_ms < ?");
  if (!prune.ok()) return prune.status();
  if (absl::Status s =
          prune->BindInt64(1, now - kSignatureUseRetentionMs).Run();
      !s.ok()) {
    return s;
  }
  absl::StatusOr<SqliteStatement> insert = db.Prepare(
      "INSERT INTO used_signatures(signature_id, expires_at_ms) VALUES(?,?)");
  if (!insert.ok()) return insert.status();
  absl::Status s = insert->BindText(1, use.signature_id)
                       .BindInt64(2, use.expires_at_ms)
                       .Run();
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError("signature already used");
  }
  return s;
}

}  // namespace

void SqliteStore::RecordSignatureUse(SignatureUse use, DoneFn done) {
  writer_.Submit(
      [use = std::move(use)](SqliteConnection& db) {
        return InsertSignatureUse(db, use);
      },
      std::move(done), GroupCommitWriter::WriteKind::kGeneral);
}

void SqliteStore::UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                      DoneFn done,
                                      std::optional<SignatureUse> signature,
                                      int64_t keep_previous_until_ms) {
  // A signed update writes twice, so it needs its own savepoint.
  const GroupCommitWriter::WriteKind kind =
      signature.has_value() ? GroupCommitWriter::WriteKind::kGeneral
                            : GroupCommitWriter::WriteKind::kAtomicUpdate;
  writer_.Submit(
      [id = std::move(integrator_id), seal = std::move(seal),
       signature = std::move(signature),
       keep_previous_until_ms](SqliteConnection& db) mutable -> absl::Status {
        int64_t version = 0;
        {
          absl::StatusOr<SqliteStatement> find = db.Prepare(
              "SELECT (SELECT version FROM webhook_secrets WHERE "
              "integrator_id=?1)"
              " FROM integrators WHERE id=?1");
          if (!find.ok()) return find.status();
          absl::StatusOr<bool> row = find->BindText(1, id).Step();
          if (!row.ok()) return row.status();
          if (!*row) return absl::NotFoundError("integrator not found");
          version = find->ColumnIsNull(0) ? 0 : find->ColumnInt64(0);
        }
        if (signature.has_value()) {
          if (absl::Status s = InsertSignatureUse(db, *signature); !s.ok()) {
            return s;
          }
        }
        absl::StatusOr<SealedSecret> sealed = seal(version + 1);
        if (!sealed.ok()) return sealed.status();
        // SET reads the row as it was: the replaced secret moves to prev_*
        // (or they are cleared), in the same statement.
        absl::StatusOr<SqliteStatement> upsert = db.Prepare(
            "INSERT INTO webhook_secrets(integrator_id, version, key_id, nonce,"
            " ciphertext, updated_at_ms) VALUES(?1,?2,?3,?4,?5,?6)"
            " ON CONFLICT(integrator_id) DO UPDATE SET"
            " prev_version=CASE WHEN ?7>0 THEN version END,"
            " prev_key_id=CASE WHEN ?7>0 THEN key_id END,"
            " prev_nonce=CASE WHEN ?7>0 THEN nonce END,"
            " prev_ciphertext=CASE WHEN ?7>0 THEN ciphertext END,"
            " prev_expires_at_ms=CASE WHEN ?7>0 THEN ?7 END,"
            " version=excluded.version,"
            " key_id=excluded.key_id, nonce=excluded.nonce,"
            " ciphertext=excluded.ciphertext,"
            " updated_at_ms=excluded.updated_at_ms");
        if (!upsert.ok()) return upsert.status();
        return upsert->BindText(1, id)
            .BindInt64(2, sealed->version)
            .BindText(3, sealed->key_id)
            .BindBlob(4, sealed->nonce)
            .BindBlob(5, sealed->ciphertext)
            .BindInt64(6, NowMs())
            .BindInt64(7, keep_previous_until_ms)
            .Run();
      },
      std::move(done), kind);
}

absl::StatusOr<SealedSecret> SqliteStore::GetWebhookSecret(
    absl::string_view integrator_id) {
  return readers_.QueryOne<SealedSecret>(
      "SELECT version, key_id, nonce, ciphertext FROM webhook_secrets"
      " WHERE integrator_id=?",
      [&](SqliteStatement& q) { q.BindText(1, integrator_id); },
      [](SqliteStatement& row) {
        return SealedSecret{row.ColumnInt64(0), row.ColumnText(1),
                            row.ColumnBlob(2), row.ColumnBlob(3)};
      },
      "no webhook secret is set");
}

absl::StatusOr<WebhookSecrets> SqliteStore::GetWebhookSecrets(
    absl::string_view integrator_id, int64_t now_ms) {
  return readers_.QueryOne<WebhookSecrets>(
      "SELECT version, key_id, nonce, ciphertext, prev_version, prev_key_id,"
      " prev_nonce, prev_ciphertext, prev_expires_at_ms FROM webhook_secrets"
      " WHERE integrator_id=?",
      [&](SqliteStatement& q) { q.BindText(1, integrator_id); },
      [&](SqliteStatement& row) {
        WebhookSecrets secrets;
        secrets.current = SealedSecret{row.ColumnInt64(0), row.ColumnText(1),
                                       row.ColumnBlob(2), row.ColumnBlob(3)};
        if (!row.ColumnIsNull(4) && row.ColumnInt64(8) > now_ms) {
          secrets.previous = SealedSecret{row.ColumnInt64(4), row.ColumnText(5),
                                          row.ColumnBlob(6), row.ColumnBlob(7)};
          secrets.previous_expires_at_ms = row.ColumnInt64(8);
        }
        return secrets;
      },
      "no webhook secret is set");
}

absl::StatusOr<int> SqliteStore::EraseExpiredPreviousSecrets(int64_t now_ms) {
  int erased = 0;
  absl::Status s = writer_.SubmitAndWait([&](SqliteConnection& db) {
    absl::StatusOr<SqliteStatement> erase = db.Prepare(
        "UPDATE webhook_secrets SET prev_version=NULL, prev_key_id=NULL,"
        " prev_nonce=NULL, prev_ciphertext=NULL, prev_expires_at_ms=NULL"
        " WHERE prev_expires_at_ms IS NOT NULL AND prev_expires_at_ms<=?");
    if (!erase.ok()) return erase.status();
    absl::Status run = erase->BindInt64(1, now_ms).Run();
    erased = sqlite3_changes(db.get());
    return run;
  });
  if (!s.ok()) return s;
  return erased;
}

absl::StatusOr<int64_t> SqliteStore::SizeBytes() {
  return readers_.QueryOne<int64_t>(
      "SELECT page_count * page_size FROM pragma_page_count(),"
      " pragma_page_size()",
      SqliteReaderPool::NoParameters,
      [](SqliteStatement& row) { return row.ColumnInt64(0); }, "no size");
}

StoreStats SqliteStore::Stats() {
  return StoreStats{"sqlite", journal_mode_, synchronous_, writer_.commits(),
                    writer_.updates()};
}

}  // namespace integrator
