// Group commit for PostgreSQL: the webhook-secret updates of one process,
// batched into one transaction per batch on a connection of their own, so a
// hot integrator costs a handful of round trips per batch instead of five
// per update under its row lock (bench/run-store-bench measures it).
//
// Contract: Submit() queues an update; a writer thread takes up to
// `max_batch` at a time and, in one transaction, locks the integrators'
// rows (as every replica's writer does, so versions stay monotonic across
// replicas), reads their versions, seals each update with the next version
// in submission order, writes each integrator's last one, and commits.
// `done` then gets OK for every update of the batch, or the batch's error
// for all of them (NotFound or a sealing error stays with its own update).
// Past kMaxQueue waiting updates, Submit() refuses with ResourceExhausted.
// Close() finishes what is queued and stops; later updates are Unavailable.
// Thread-safe.
//
// EXAMPLE:
//   PgSecretWriter writer(&pool);
//   writer.Submit("itg_1", seal, [](absl::Status s) { /* durable if OK */ });
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_SECRET_WRITER_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_SECRET_WRITER_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/store/postgres_pool.h"
#include "server/store/write_callbacks.h"

namespace integrator {

class PgSecretWriter {
 public:
  static constexpr size_t kMaxBatch = 256;
  // Past this many waiting, an update is refused at once (ResourceExhausted
  // with a RetryInfo), as the SQLite writer does, rather than pile up while
  // the database is slow or gone.
  static constexpr size_t kMaxQueue = 16384;

  explicit PgSecretWriter(PgPool* pool);
  ~PgSecretWriter();
  PgSecretWriter(const PgSecretWriter&) = delete;
  PgSecretWriter& operator=(const PgSecretWriter&) = delete;

  void Submit(std::string integrator_id, SealFn seal, DoneFn done);
  void Close();

  uint64_t commits() const { return commits_.load(); }
  uint64_t updates() const { return updates_.load(); }

 private:
  struct Update {
    std::string integrator_id;
    SealFn seal;
    DoneFn done;
  };

  void Run();
  // Writes `batch` in one transaction; calls every `done`.
  void WriteBatch(std::vector<Update>& batch);

  PgPool* pool_;
  absl::Mutex mu_;
  std::deque<Update> queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> updates_{0};
  std::thread thread_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_SECRET_WRITER_H_
