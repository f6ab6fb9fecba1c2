#include "server/store/sqlite_schema.h"

#include <cstdint>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/store/sqlite_statement.h"

namespace integrator {
namespace {

// Index i holds the migration to version i + 1. Never edit a shipped entry:
// add a new one.
constexpr const char* kMigrations[] = {
    // 1: integrators, API keys and sealed webhook secrets.
    R"sql(
CREATE TABLE integrators (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_id         TEXT PRIMARY KEY,
  key_hash       TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL,
  integrator_id  TEXT REFERENCES integrators(id),
  service_name   TEXT,
  scopes         TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  revoked_at_ms  INTEGER,
  CHECK ((integrator_id IS NULL) <> (service_name IS NULL))
);
CREATE INDEX api_keys_display_prefix ON api_keys(display_prefix);
CREATE TABLE webhook_secrets (
  integrator_id TEXT PRIMARY KEY REFERENCES integrators(id),
  version       INTEGER NOT NULL,
  key_id        TEXT NOT NULL,
  nonce         BLOB NOT NULL,
  ciphertext    BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
)sql",
    // 2: signing keys (sealed API secrets) and used request signatures.
    R"sql(
CREATE TABLE signing_keys (
  key_id         TEXT PRIMARY KEY,
  integrator_id  TEXT NOT NULL REFERENCES integrators(id),
  scopes         TEXT NOT NULL,
  version        INTEGER NOT NULL,
  sealing_key_id TEXT NOT NULL,
  nonce          BLOB NOT NULL,
  ciphertext     BLOB NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  revoked_at_ms  INTEGER
);
CREATE TABLE used_signatures (
  signature_id  TEXT PRIMARY KEY,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX used_signatures_expiry ON used_signatures(expires_at_ms);
)sql",
    // 3: webhooks, published events and the outbox of their deliveries.
    R"sql(
CREATE TABLE webhooks (
  id            TEXT PRIMARY KEY,
  integrator_id TEXT NOT NULL REFERENCES integrators(id),
  url           TEXT NOT NULL,
  events        TEXT NOT NULL,
  failure_count INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX webhooks_by_integrator ON webhooks(integrator_id, created_at_ms);
CREATE TABLE webhook_events (
  id            TEXT PRIMARY KEY,
  integrator_id TEXT NOT NULL REFERENCES integrators(id),
  type          TEXT NOT NULL,
  body          BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
  id                 TEXT PRIMARY KEY,
  webhook_id         TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id           TEXT NOT NULL REFERENCES webhook_events(id),
  status             TEXT NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  last_status_code   INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  next_attempt_at_ms INTEGER,
  leased_until_ms    INTEGER,
  created_at_ms      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at_ms)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook
  ON webhook_deliveries(webhook_id, created_at_ms, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries(event_id);
)sql",
    // 4: the previous webhook secret, kept through a rotation's overlap.
    R"sql(
ALTER TABLE webhook_secrets ADD COLUMN prev_version INTEGER;
ALTER TABLE webhook_secrets ADD COLUMN prev_key_id TEXT;
ALTER TABLE webhook_secrets ADD COLUMN prev_nonce BLOB;
ALTER TABLE webhook_secrets ADD COLUMN prev_ciphertext BLOB;
ALTER TABLE webhook_secrets ADD COLUMN prev_expires_at_ms INTEGER;
)sql",
    // 5: idempotency keys of PublishEvent, kept 24 hours.
    R"sql(
CREATE TABLE publish_keys (
  integrator_id TEXT NOT NULL,
  key           TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  deliveries    INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (integrator_id, key)
);
CREATE INDEX publish_keys_by_age ON publish_keys(created_at_ms);
)sql",
    // 6: what retention scans, so a pass reads only what it deletes.
    R"sql(
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(created_at_ms)
  WHERE status <> 'pending';
CREATE INDEX webhook_events_by_age ON webhook_events(created_at_ms);
)sql",
};

}  // namespace

int LatestSqliteSchemaVersion() {
  return static_cast<int>(std::size(kMigrations));
}

absl::Status MigrateSqliteSchema(sqlite3* db) {
  if (absl::Status s = SqliteExec(db,
                                  "CREATE TABLE IF NOT EXISTS schema_migrations"
                                  " (version INTEGER PRIMARY KEY,"
                                  "  applied_at_ms INTEGER NOT NULL)");
      !s.ok()) {
    return s;
  }
  // Each step reads the version inside its own write transaction, so two
  // processes opening a new database at once apply each migration once.
  for (;;) {
    if (absl::Status s = SqliteExec(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::StatusOr<std::string> current = SqliteQueryText(
        db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!current.ok()) {
      (void)SqliteExec(db, "ROLLBACK");
      return current.status();
    }
    const int version = std::stoi(*current);
    if (version >= LatestSqliteSchemaVersion()) {
      (void)SqliteExec(db, "ROLLBACK");
      if (version == LatestSqliteSchemaVersion()) return absl::OkStatus();
      return absl::FailedPreconditionError(
          absl::StrCat("the database has schema version ", version,
                       ", newer than this binary's ",
                       LatestSqliteSchemaVersion(), "; upgrade the binary"));
    }
    const int next = version + 1;
    absl::Status s = SqliteExec(db, kMigrations[next - 1]);
    if (s.ok()) {
      s = SqliteExec(
          db, absl::StrCat("INSERT INTO schema_migrations VALUES (", next, ", ",
                           absl::ToUnixMillis(absl::Now()), ")"));
    }
    if (s.ok()) s = SqliteExec(db, "COMMIT");
    if (!s.ok()) {
      (void)SqliteExec(db, "ROLLBACK");
      return absl::Status(s.code(),
                          absl::StrCat("schema migration to version ", next,
                                       " failed: ", s.message()));
    }
  }
}

}  // namespace integrator
