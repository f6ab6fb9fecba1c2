#include "server/store/postgres_pool.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/rpc/status_details.h"

namespace integrator {
namespace {

// The connection string with a statement timeout every session keeps
// (libpq sends `options` again when it resets a connection).
std::string WithStatementTimeout(const std::string& conninfo,
                                 absl::Duration timeout) {
  const int64_t ms = absl::ToInt64Milliseconds(timeout);
  if (absl::StartsWith(conninfo, "postgresql://") ||
      absl::StartsWith(conninfo, "postgres://")) {
    return absl::StrCat(conninfo, absl::StrContains(conninfo, "?") ? "&" : "?",
                        "options=-c%20statement_timeout%3D", ms);
  }
  return absl::StrCat(conninfo, " options='-c statement_timeout=", ms, "'");
}

}  // namespace

PgPool::PgPool(std::string conninfo, Options options)
    : conninfo_(WithStatementTimeout(conninfo, options.statement_timeout)),
      options_(options) {
  for (int i = 0; i < options_.size; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

PgPool::~PgPool() { Close(); }

absl::StatusOr<PgPool::Lease> PgPool::Borrow() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available),
                              options_.borrow_timeout)) {
      return absl::UnavailableError(
          "no PostgreSQL connection became free in time");
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserved while connecting
  }
  // Past the server's own statement timeout, the client cancels.
  absl::StatusOr<PgConnection> conn = PgConnection::Open(
      conninfo_, options_.statement_timeout + absl::Seconds(1));
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease(this, std::make_unique<PgConnection>(std::move(*conn)));
}

PgPool::Lease::~Lease() {
  if (!conn_) return;
  absl::MutexLock lock(&pool_->mu_);
  pool_->idle_.push_back(std::move(conn_));
}

void PgPool::Submit(Job job) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (closing_) {
      refused = absl::UnavailableError("the store is shutting down");
    } else if (jobs_.size() >= options_.max_jobs) {
      refused = rpc::WithRetryInfo(
          absl::ResourceExhaustedError("too many writes are waiting; retry"),
          absl::Seconds(1));
    } else {
      jobs_.push_back(std::move(job));
      return;
    }
  }
  job(std::move(refused));
}

void PgPool::Work() {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !jobs_.empty() || closing_;
      };
      mu_.Await(absl::Condition(&ready));
      if (jobs_.empty()) return;  // closing, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    absl::StatusOr<Lease> lease = Borrow();
    if (lease.ok()) {
      job(&lease->conn());
    } else {
      job(lease.status());
    }
  }
}

void PgPool::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return;
    closing_ = true;
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

}  // namespace integrator
