// Running a body in one PostgreSQL transaction on a pooled connection and
// getting its value back: as a job of the pool, answering a callback after
// COMMIT (for calls that must not block their thread), or on the caller's
// thread (for workers of our own).
//
// Contract: the body's error, or the transaction's (a failed COMMIT, a lost
// connection), is what the caller gets; a value only once committed.
//
// EXAMPLE:
//   absl::StatusOr<int> n = TransactAndWait<int>(pool, [](PgConnection& db)
//       -> absl::StatusOr<int> { return 1; });
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_TRANSACTIONS_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_TRANSACTIONS_H_

#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/store/postgres_pool.h"

namespace integrator {

// Runs `body` in one transaction as a job of the pool and answers with what
// it produced once committed (or with why it was not).
template <typename T>
void SubmitTransaction(
    PgPool& pool, absl::AnyInvocable<absl::StatusOr<T>(PgConnection&)> body,
    absl::AnyInvocable<void(absl::StatusOr<T>)> done) {
  pool.Submit([body = std::move(body), done = std::move(done)](
                  absl::StatusOr<PgConnection*> conn) mutable {
    if (!conn.ok()) return done(conn.status());
    absl::StatusOr<T> result = absl::UnknownError("the write did not run");
    absl::Status committed =
        (*conn)->InTransaction([&](PgConnection& db) -> absl::Status {
          result = body(db);
          return result.status();
        });
    if (!committed.ok()) return done(std::move(committed));
    done(std::move(result));
  });
}

// The same on the caller's thread: for the delivery workers.
template <typename T>
absl::StatusOr<T> TransactAndWait(
    PgPool& pool, absl::FunctionRef<absl::StatusOr<T>(PgConnection&)> body) {
  absl::StatusOr<PgPool::Lease> conn = pool.Borrow();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<T> result = absl::UnknownError("the write did not run");
  absl::Status committed =
      conn->conn().InTransaction([&](PgConnection& db) -> absl::Status {
        result = body(db);
        return result.status();
      });
  if (!committed.ok()) return committed;
  return result;
}

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_TRANSACTIONS_H_
