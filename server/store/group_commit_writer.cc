#include "server/store/group_commit_writer.h"

#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"

namespace integrator {

GroupCommitWriter::GroupCommitWriter(SqliteDb db, Options options)
    : db_(std::move(db)), options_(options), thread_([this] { Run(); }) {}

GroupCommitWriter::~GroupCommitWriter() { Close(); }

void GroupCommitWriter::Submit(Apply apply, Done done, bool is_update) {
  {
    absl::MutexLock lock(&mu_);
    if (!closing_) {
      queue_.push_back(Op{std::move(apply), std::move(done), is_update});
      return;
    }
  }
  done(absl::UnavailableError("the store is shutting down"));
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
      /*is_update=*/false);
  finished.WaitForNotification();
  return result;
}

void GroupCommitWriter::Close() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  if (thread_.joinable()) thread_.join();
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
  absl::Status tx = SqliteExec(db_.get(), "BEGIN IMMEDIATE");
  if (tx.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      absl::Status s = SqliteExec(db_.get(), "SAVEPOINT op");
      if (s.ok()) {
        s = batch[i].apply(db_.get());
        if (!s.ok()) {
          // Undo this operation alone; the savepoint is released either way.
          (void)SqliteExec(db_.get(), "ROLLBACK TO op");
        }
        (void)SqliteExec(db_.get(), "RELEASE op");
      }
      results[i] = std::move(s);
    }
    if (options_.simulated_commit_latency > absl::ZeroDuration()) {
      absl::SleepFor(options_.simulated_commit_latency);
    }
    tx = SqliteExec(db_.get(), "COMMIT");
    if (!tx.ok()) (void)SqliteExec(db_.get(), "ROLLBACK");
  }
  if (tx.ok()) commits_.fetch_add(1);
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status s = tx.ok() ? std::move(results[i]) : tx;
    if (s.ok() && batch[i].is_update) updates_.fetch_add(1);
    batch[i].done(std::move(s));
  }
}

}  // namespace integrator
