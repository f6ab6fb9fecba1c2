#include "server/store/postgres_secret_writer.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "proto/rpc/status_details.h"
#include "server/store/store_metrics.h"

namespace integrator {

PgSecretWriter::PgSecretWriter(PgPool* pool)
    : pool_(pool), thread_([this] { Run(); }) {}

PgSecretWriter::~PgSecretWriter() { Close(); }

void PgSecretWriter::Submit(std::string integrator_id, SealFn seal,
                            DoneFn done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (closing_) {
      refused = absl::UnavailableError("the store is shutting down");
    } else if (queue_.size() >= kMaxQueue) {
      refused = rpc::WithRetryInfo(
          absl::ResourceExhaustedError("too many writes are waiting; retry"),
          absl::Seconds(1));
    } else {
      queue_.push_back(
          Update{std::move(integrator_id), std::move(seal), std::move(done)});
      return;
    }
  }
  done(std::move(refused));
}

void PgSecretWriter::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return;
    closing_ = true;
  }
  thread_.join();
}

void PgSecretWriter::Run() {
  for (;;) {
    std::vector<Update> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || closing_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // closing, and everything written
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    WriteBatch(batch);
  }
}

void PgSecretWriter::WriteBatch(std::vector<Update>& batch) {
  absl::StatusOr<PgPool::Lease> lease = pool_->Borrow();
  if (!lease.ok()) {
    for (Update& update : batch) update.done(lease.status());
    return;
  }
  PgConnection& db = lease->conn();
  std::vector<std::string> ids;
  absl::flat_hash_map<std::string, std::optional<int64_t>> versions;
  for (const Update& update : batch) {
    if (versions.emplace(update.integrator_id, std::nullopt).second) {
      ids.push_back(update.integrator_id);
    }
  }
  const PgParam id_array = PgParam::TextArray(ids);
  // What each update ends with, when the transaction commits.
  std::vector<absl::Status> results(batch.size());
  const absl::Time begun = absl::Now();
  absl::Status s = db.InTransaction([&](PgConnection& tx) -> absl::Status {
    // Lock first (sorted, so replicas never deadlock), read after: a
    // statement that waited for a lock still reads with the snapshot it
    // started with. The integrators locked are the ones that exist.
    absl::StatusOr<PgRows> locked = tx.Exec(
        "SELECT id FROM integrators WHERE id = ANY($1::text[]) ORDER BY id"
        " FOR UPDATE",
        {id_array});
    if (!locked.ok()) return locked.status();
    for (int row = 0; row < locked->size(); ++row) {
      versions[locked->Text(row, 0)] = 0;
    }
    absl::StatusOr<PgRows> current = tx.Exec(
        "SELECT integrator_id, version FROM webhook_secrets"
        " WHERE integrator_id = ANY($1::text[])",
        {id_array});
    if (!current.ok()) return current.status();
    for (int row = 0; row < current->size(); ++row) {
      versions[current->Text(row, 0)] = current->Int(row, 1);
    }
    absl::flat_hash_map<std::string, SealedSecret> last;
    for (size_t i = 0; i < batch.size(); ++i) {
      std::optional<int64_t>& version = versions[batch[i].integrator_id];
      if (!version.has_value()) {
        results[i] = absl::NotFoundError("integrator not found");
        continue;
      }
      absl::StatusOr<SealedSecret> sealed = batch[i].seal(*version + 1);
      if (!sealed.ok()) {
        results[i] = sealed.status();
        continue;
      }
      ++*version;
      last[batch[i].integrator_id] = std::move(*sealed);
    }
    const int64_t now = absl::ToUnixMillis(absl::Now());
    for (const auto& [id, sealed] : last) {
      if (absl::Status written = tx.Run(
              "INSERT INTO webhook_secrets(integrator_id, version, key_id,"
              " nonce, ciphertext, updated_at_ms)"
              " VALUES($1, $2, $3, $4, $5, $6)"
              " ON CONFLICT(integrator_id) DO UPDATE SET"
              // Only updates without an overlap window come here: the
              // replaced secret is erased with the write.
              " prev_version=NULL, prev_key_id=NULL, prev_nonce=NULL,"
              " prev_ciphertext=NULL, prev_expires_at_ms=NULL,"
              " version=excluded.version, key_id=excluded.key_id,"
              " nonce=excluded.nonce, ciphertext=excluded.ciphertext,"
              " updated_at_ms=excluded.updated_at_ms",
              {PgParam::Text(id), PgParam::Int(sealed.version),
               PgParam::Text(sealed.key_id), PgParam::Bytes(sealed.nonce),
               PgParam::Bytes(sealed.ciphertext), PgParam::Int(now)});
          !written.ok()) {
        return written;
      }
    }
    return absl::OkStatus();
  });
  const absl::Duration took = absl::Now() - begun;
  if (s.ok()) ++commits_;
  size_t updates = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status result = !results[i].ok() ? results[i] : s;
    if (result.ok()) {
      ++updates_;
      ++updates;
    }
    batch[i].done(std::move(result));
  }
  if (s.ok())
    StoreMetrics::For("postgres").Committed(batch.size(), updates, took);
}

}  // namespace integrator
