// One libpq connection to PostgreSQL, and the results of its statements:
// RAII for PGconn and PGresult, parameters always bound (never spliced into
// SQL), and libpq's errors as public store statuses.
//
// Contract: Exec() runs one statement with text parameters (a Param holds
// text, raw bytes sent as bytea, or SQL NULL) and returns its rows as text;
// a bytea column reads back as raw bytes through PgRows::Bytes. Errors: a
// unique violation is AlreadyExists; a lost or failed connection, a
// statement timeout, a serialization failure or an admin shutdown is
// Unavailable (retryable); anything else is Internal. A statement still
// running after `call_timeout` (a commit waiting for a standby that is gone,
// or a dead network, which statement_timeout does not bound) is cancelled
// and is Unavailable. A statement that
// "succeeds" with PostgreSQL's warning that its wait for the synchronous
// standby was cancelled (committed locally, maybe not replicated: a failover
// could lose it) is Unavailable too, never acknowledged. Messages never
// carry parameter values. A connection whose link broke reconnects on its next
// use. Not thread-safe: one user at a time (postgres_pool.h lends them).
//
// EXAMPLE:
//   absl::StatusOr<PgConnection> conn = PgConnection::Open(uri);
//   absl::StatusOr<PgRows> rows = conn->Exec(
//       "SELECT name FROM integrators WHERE id=$1", {PgParam::Text(id)});
//   if (rows.ok() && rows->size() == 1) name = rows->Text(0, 0);
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_CONNECTION_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_CONNECTION_H_

#include <postgresql/libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace integrator {

struct PgParam {
  static PgParam Text(absl::string_view value) {
    return {std::string(value), false, false};
  }
  static PgParam Int(int64_t value) {
    return {std::to_string(value), false, false};
  }
  static PgParam Bytes(absl::string_view value) {
    return {std::string(value), true, false};
  }
  static PgParam Null() { return {"", false, true}; }
  // A text[] literal, each element quoted, so no value can break out of it.
  static PgParam TextArray(absl::Span<const std::string> values);
  std::string value;
  bool binary = false;
  bool null = false;
};

class PgRows {
 public:
  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) == 1;
  }
  std::string Text(int row, int column) const {
    return PQgetvalue(result_.get(), row, column);
  }
  int64_t Int(int row, int column) const;
  // A bytea column, decoded from its text (hex) form.
  std::string Bytes(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t affected() const;

 private:
  friend class PgConnection;
  struct Clear {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  explicit PgRows(PGresult* result) : result_(result) {}
  std::unique_ptr<PGresult, Clear> result_;
};

class PgConnection {
 public:
  // Connects with a libpq URI or key=value string (multi-host included).
  // A statement still running after `call_timeout` is cancelled.
  static absl::StatusOr<PgConnection> Open(
      const std::string& conninfo,
      absl::Duration call_timeout = absl::Seconds(10));

  absl::StatusOr<PgRows> Exec(absl::string_view sql,
                              absl::Span<const PgParam> params = {});
  // Exec for a statement that changes nothing (a read): one that found the
  // connection dropped runs once more, on the connection Exec() opens anew,
  // as BEGIN does in InTransaction().
  absl::StatusOr<PgRows> Read(absl::string_view sql,
                              absl::Span<const PgParam> params = {});
  // Exec for statements whose rows do not matter (BEGIN, COMMIT).
  absl::Status Run(absl::string_view sql,
                   absl::Span<const PgParam> params = {});
  // Several statements without parameters (a migration's DDL), through
  // the simple query protocol.
  absl::Status RunScript(const char* sql);
  // `body` between BEGIN and COMMIT; rolled back when anything fails. A
  // BEGIN that finds the connection dropped reconnects and begins once more
  // (nothing was done yet, so nothing is repeated).
  absl::Status InTransaction(
      absl::FunctionRef<absl::Status(PgConnection&)> body);

 private:
  struct Finish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  PgConnection(PGconn* conn, absl::Duration call_timeout)
      : conn_(conn),
        unreplicated_(std::make_unique<bool>(false)),
        call_timeout_(call_timeout) {}
  // Waits for the result of the statement just sent, cancelling it past
  // `call_timeout_`; null when the connection failed.
  PGresult* AwaitResult();
  std::unique_ptr<PGconn, Finish> conn_;
  // Set by libpq's notice receiver (hence on the heap: its address must
  // survive a move) when the synchronous-replication warning arrives.
  std::unique_ptr<bool> unreplicated_;
  absl::Duration call_timeout_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_CONNECTION_H_
