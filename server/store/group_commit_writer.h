// The single writer of a SQLite store: it batches concurrent writes into
// group commits, so durability does not cost throughput.
//
// Contract:
// - Owns the write connection and one thread. Submitted operations run on
//   that thread, in submission order, inside one transaction per batch.
// - A kGeneral operation runs in its own SAVEPOINT: one that fails is rolled
//   back alone and reports its own error; the rest of the batch still
//   commits. A kAtomicUpdate promises to write with at most one statement
//   (SQLite makes each statement atomic), so it needs no savepoint; it is
//   also what updates() counts.
// - `done` is called (on the writer's completion thread, in commit order)
//   only after COMMIT returned, which with synchronous=FULL means the WAL is
//   on disk. If COMMIT fails, every operation of the batch reports that
//   failure; if SQLite ended the transaction early, or a failed operation
//   could not be rolled back alone, every one reports Unavailable and
//   nothing of the batch is written.
// - Close() (and the destructor) finishes everything queued, then stops.
//   Operations submitted after that fail with Unavailable; operations past
//   `max_queue` waiting fail with ResourceExhausted (retry in a second).
//
// EXAMPLE:
//   GroupCommitWriter writer(std::move(db), {});
//   writer.Submit([](SqliteConnection& db) { return db.Exec("..."); },
//                 [](absl::Status s) { /* durable when s.ok() */ },
//                 GroupCommitWriter::WriteKind::kAtomicUpdate);
#ifndef INTEGRATOR_SERVER_STORE_GROUP_COMMIT_WRITER_H_
#define INTEGRATOR_SERVER_STORE_GROUP_COMMIT_WRITER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/sqlite_connection.h"

namespace integrator {

class GroupCommitWriter {
 public:
  using Apply = absl::AnyInvocable<absl::Status(SqliteConnection&)>;
  using Done = absl::AnyInvocable<void(absl::Status)>;

  enum class WriteKind { kAtomicUpdate, kGeneral };

  struct Options {
    // Bounds one transaction, so a flood cannot hold the write lock forever.
    size_t max_batch = 512;
    // Bounds the queue: past it, writes are refused at once with
    // ResourceExhausted and a RetryInfo, instead of piling up in memory.
    size_t max_queue = 16384;
    // Added before every COMMIT, to emulate a slow disk in drain tests.
    absl::Duration simulated_commit_latency = absl::ZeroDuration();
  };

  GroupCommitWriter(SqliteDb db, Options options);

  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;
  ~GroupCommitWriter();

  void Submit(Apply apply, Done done, WriteKind kind);
  // Submits and blocks until the operation is durable or has failed.
  absl::Status SubmitAndWait(Apply apply);
  void Close();

  uint64_t commits() const { return commits_.load(); }
  uint64_t updates() const { return updates_.load(); }

 private:
  struct Op {
    Apply apply;
    Done done;
    WriteKind kind;
  };

  void Run();
  void CommitBatch(std::deque<Op>& batch);
  void RunCompletions();

  SqliteConnection db_;
  const Options options_;
  absl::Mutex mu_;
  std::deque<Op> queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  // Finished operations whose `done` has yet to run. A separate thread runs
  // them, so the writer starts the next batch while callers are answered.
  absl::Mutex completions_mu_;
  std::deque<std::pair<Done, absl::Status>> completions_
      ABSL_GUARDED_BY(completions_mu_);
  bool writer_finished_ ABSL_GUARDED_BY(completions_mu_) = false;
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> updates_{0};
  std::thread thread_;
  std::thread completion_thread_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_GROUP_COMMIT_WRITER_H_
