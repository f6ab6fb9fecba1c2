// A bounded pool of PostgreSQL connections for one process, and the worker
// threads that run the store's asynchronous writes on them, so that no gRPC
// or HTTP thread waits on a network round trip for a write.
//
// Contract: at most `size` connections, opened on first need; Borrow()
// waits up to `borrow_timeout` for a free one, then is Unavailable. Each
// connection carries `statement_timeout`, so no statement outlives it (and a
// reset after a failover keeps it). Submit() queues a job for one of `size`
// workers (at most `max_jobs` waiting: past it a job gets ResourceExhausted
// with a RetryInfo at once); a job gets Unavailable instead of a connection
// when none could
// be had, and after Close() (which runs what is queued, then joins the
// workers) a job runs at once with Unavailable.
// Thread-safe.
//
// EXAMPLE:
//   PgPool pool(uri, {.size = 8});
//   absl::StatusOr<PgPool::Lease> conn = pool.Borrow();
//   pool.Submit([](absl::StatusOr<PgConnection*> conn) { ... });
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_POOL_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_POOL_H_

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/postgres_connection.h"

namespace integrator {

class PgPool {
 public:
  struct Options {
    int size = 8;
    absl::Duration borrow_timeout = absl::Seconds(5);
    absl::Duration statement_timeout = absl::Seconds(5);
    // Jobs waiting for a worker at most; past it Submit() refuses at once.
    size_t max_jobs = 16384;
  };
  // Runs with a connection, or with why there is none.
  using Job = absl::AnyInvocable<void(absl::StatusOr<PgConnection*> conn)>;

  PgPool(std::string conninfo, Options options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& conn() const { return *conn_; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  absl::StatusOr<Lease> Borrow();
  void Submit(Job job);
  void Close();

 private:
  void Work();

  const std::string conninfo_;
  const Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_POOL_H_
