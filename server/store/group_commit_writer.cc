#include "server/store/group_commit_writer.h"

#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "proto/rpc/status_details.h"
#include "server/store/store_metrics.h"

namespace integrator {

GroupCommitWriter::GroupCommitWriter(SqliteDb db, Options options)
    : db_(std::move(db)),
      options_(options),
      thread_([this] { Run(); }),
      completion_thread_([this] { RunCompletions(); }) {}

GroupCommitWriter::~GroupCommitWriter() { Close(); }

void GroupCommitWriter::Submit(Apply apply, Done done, WriteKind kind) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (closing_) {
      refused = absl::UnavailableError("the store is shutting down");
    } else if (queue_.size() >= options_.max_queue) {
      refused = rpc::WithRetryInfo(
          absl::ResourceExhaustedError("too many writes are waiting; retry"),
          absl::Seconds(1));
    } else {
      queue_.push_back(Op{std::move(apply), std::move(done), kind});
      return;
    }
  }
  done(std::move(refused));
}

absl::Status GroupCommitWriter::SubmitAndWait(Apply apply) {
  absl::Notification finished;
  absl::Status result;
  Submit(
      std::move(apply),
      [&](absl::Status s) {
        result = std::move(s);
        finished.Notify();
      },
      WriteKind::kGeneral);
  finished.WaitForNotification();
  return result;
}

void GroupCommitWriter::Close() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  if (thread_.joinable()) thread_.join();
  {
    absl::MutexLock lock(&completions_mu_);
    writer_finished_ = true;
  }
  if (completion_thread_.joinable()) completion_thread_.join();
}

void GroupCommitWriter::RunCompletions() {
  for (;;) {
    std::deque<std::pair<Done, absl::Status>> ready;
    {
      absl::MutexLock lock(&completions_mu_);
      completions_mu_.Await(absl::Condition(
          +[](GroupCommitWriter* w)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->completions_mu_) {
                 return w->writer_finished_ || !w->completions_.empty();
               },
          this));
      if (completions_.empty()) return;  // the writer is done and all is sent
      ready.swap(completions_);
    }
    for (auto& [done, status] : ready) done(std::move(status));
  }
}

void GroupCommitWriter::Run() {
  for (;;) {
    std::deque<Op> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](GroupCommitWriter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
            return w->closing_ || !w->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // closing, and everything is drained
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
  }
}

void GroupCommitWriter::CommitBatch(std::deque<Op>& batch) {
  std::vector<absl::Status> results(batch.size());
  const absl::Time begun = absl::Now();
  // A COMMIT and its ROLLBACK that both failed leave a transaction open;
  // end it, or every later BEGIN would fail.
  if (!sqlite3_get_autocommit(db_.get())) (void)db_.Exec("ROLLBACK");
  absl::Status tx = db_.Exec("BEGIN IMMEDIATE");
  if (tx.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      // On some errors (disk full, I/O, out of memory) SQLite rolls the
      // whole transaction back by itself. Nothing of this batch will commit
      // then, and what follows would run in autocommit mode: stop here.
      if (sqlite3_get_autocommit(db_.get())) {
        tx = absl::UnavailableError(
            "the transaction was rolled back by SQLite; nothing was written");
        break;
      }
      if (batch[i].kind == WriteKind::kAtomicUpdate) {
        results[i] = batch[i].apply(db_);
        continue;
      }
      absl::Status s = db_.Exec("SAVEPOINT op");
      if (s.ok()) {
        s = batch[i].apply(db_);
        // Undo this operation alone. If that fails, its partial writes
        // would commit with the batch: give the whole batch up instead.
        if (!s.ok() && !db_.Exec("ROLLBACK TO op").ok()) {
          tx = absl::UnavailableError(
              "a failed write could not be undone; nothing was written");
          break;
        }
        (void)db_.Exec("RELEASE op");
      }
      results[i] = std::move(s);
    }
    if (!tx.ok() && !sqlite3_get_autocommit(db_.get())) {
      (void)db_.Exec("ROLLBACK");
    }
    if (tx.ok() && sqlite3_get_autocommit(db_.get())) {
      tx = absl::UnavailableError(
          "the transaction was rolled back by SQLite; nothing was written");
    }
    if (tx.ok()) {
      if (options_.simulated_commit_latency > absl::ZeroDuration()) {
        absl::SleepFor(options_.simulated_commit_latency);
      }
      tx = db_.Exec("COMMIT");
      if (!tx.ok()) (void)db_.Exec("ROLLBACK");
    }
  }
  const absl::Duration took = absl::Now() - begun;
  if (tx.ok()) commits_.fetch_add(1);
  size_t updates = 0;
  absl::MutexLock lock(&completions_mu_);
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status s = tx.ok() ? std::move(results[i]) : tx;
    if (s.ok() && batch[i].kind == WriteKind::kAtomicUpdate) {
      updates_.fetch_add(1);
      ++updates;
    }
    completions_.emplace_back(std::move(batch[i].done), std::move(s));
  }
  if (tx.ok())
    StoreMetrics::For("sqlite").Committed(batch.size(), updates, took);
}

}  // namespace integrator
