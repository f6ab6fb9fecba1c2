#include "server/store/postgres_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace integrator {
namespace {

// libpq's messages end with a newline and may name the server; never the
// parameters, which travel separately from the SQL.
std::string ErrorText(PGconn* conn) {
  return std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)));
}

absl::Status ResultError(PGconn* conn, PGresult* result) {
  const char* state = result == nullptr
                          ? nullptr
                          : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  // The primary message only: DETAIL may quote the failing row's values.
  const char* primary =
      result == nullptr ? nullptr
                        : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message = primary != nullptr ? primary : ErrorText(conn);
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  // A broken reference, as SQLite reports it.
  if (sqlstate == "23503") return absl::FailedPreconditionError(message);
  // Connection failures (08…), a cancelled or timed-out statement (57014),
  // an administrator's shutdown (57P…), serialization failures and
  // deadlocks (40…), a read-only standby (25006): retry later.
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.empty() ||
      absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "57") ||
      absl::StartsWith(sqlstate, "40") || sqlstate == "25006" ||
      sqlstate == "53300") {
    return absl::UnavailableError(
        absl::StrCat("PostgreSQL is unavailable: ", message));
  }
  return absl::InternalError(absl::StrCat("PostgreSQL: ", message));
}

}  // namespace

int64_t PgRows::Int(int row, int column) const {
  int64_t value = 0;
  (void)absl::SimpleAtoi(PQgetvalue(result_.get(), row, column), &value);
  return value;
}

std::string PgRows::Bytes(int row, int column) const {
  absl::string_view text = PQgetvalue(result_.get(), row, column);
  // bytea_output = hex: "\x" then two hex digits per byte.
  if (!absl::ConsumePrefix(&text, "\\x")) return std::string(text);
  return absl::HexStringToBytes(text);
}

int64_t PgRows::affected() const {
  int64_t count = 0;
  (void)absl::SimpleAtoi(PQcmdTuples(result_.get()), &count);
  return count;
}

absl::StatusOr<PgConnection> PgConnection::Open(const std::string& conninfo,
                                                absl::Duration call_timeout) {
  PgConnection connection(PQconnectdb(conninfo.c_str()), call_timeout);
  if (connection.conn_ == nullptr) {
    return absl::UnavailableError("cannot allocate a PostgreSQL connection");
  }
  if (PQstatus(connection.conn_.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL: ", ErrorText(connection.conn_.get())));
  }
  // NOTICEs ("already exists, skipping") are not the request log's
  // business; one warning is: a commit not confirmed by the standby.
  PQsetNoticeReceiver(
      connection.conn_.get(),
      [](void* flag, const PGresult* notice) {
        const char* message =
            PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
        if (message != nullptr &&
            absl::StrContains(message, "synchronous replication")) {
          *static_cast<bool*>(flag) = true;
        }
      },
      connection.unreplicated_.get());
  return connection;
}

PGresult* PgConnection::AwaitResult() {
  // statement_timeout bounds a statement on the server, but not a commit's
  // wait for the synchronous standby, nor a dead network: past
  // `call_timeout_` the statement is cancelled (a cancelled commit then
  // reports the warning Exec() refuses), and past a grace after that the
  // connection is given up.
  const absl::Time cancel_at = absl::Now() + call_timeout_;
  const absl::Time give_up_at = cancel_at + absl::Seconds(2);
  bool cancelled = false;
  while (PQisBusy(conn_.get())) {
    const absl::Time now = absl::Now();
    if (!cancelled && now >= cancel_at) {
      if (PGcancel* cancel = PQgetCancel(conn_.get())) {
        char error[256];
        (void)PQcancel(cancel, error, sizeof(error));
        PQfreeCancel(cancel);
      }
      cancelled = true;
    }
    if (cancelled && now >= give_up_at) {
      // No answer even to the cancel: start over with a new connection.
      PQreset(conn_.get());
      return nullptr;
    }
    pollfd readable{PQsocket(conn_.get()), POLLIN, 0};
    const absl::Time wake = cancelled ? give_up_at : cancel_at;
    const int wait_ms = static_cast<int>(
        std::max<int64_t>(1, absl::ToInt64Milliseconds(wake - now)));
    if (poll(&readable, 1, std::min(wait_ms, 1000)) < 0 && errno != EINTR) {
      return nullptr;
    }
    if (PQconsumeInput(conn_.get()) != 1) return nullptr;
  }
  // The statement's result, then the end of its results.
  PGresult* result = PQgetResult(conn_.get());
  while (PGresult* extra = PQgetResult(conn_.get())) PQclear(extra);
  return result;
}

absl::StatusOr<PgRows> PgConnection::Exec(absl::string_view sql,
                                          absl::Span<const PgParam> params) {
  // A connection that broke (the server restarted, a failover) is opened
  // again with the same connection string, so the store recovers by itself.
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL is unavailable: ", ErrorText(conn_.get())));
    }
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const PgParam& param : params) {
    values.push_back(param.null ? nullptr : param.value.data());
    lengths.push_back(static_cast<int>(param.value.size()));
    formats.push_back(param.binary ? 1 : 0);
  }
  const std::string statement(sql);
  *unreplicated_ = false;
  if (PQsendQueryParams(conn_.get(), statement.c_str(),
                        static_cast<int>(params.size()),
                        /*paramTypes=*/nullptr, values.data(), lengths.data(),
                        formats.data(), /*resultFormat=*/0) != 1) {
    return ResultError(conn_.get(), nullptr);
  }
  PGresult* result = AwaitResult();
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    absl::Status error = ResultError(conn_.get(), result);
    PQclear(result);
    return error;
  }
  if (*unreplicated_) {
    PQclear(result);
    return absl::UnavailableError(
        "PostgreSQL committed locally but the synchronous standby did not "
        "confirm it; not acknowledged");
  }
  return PgRows(result);
}

absl::Status PgConnection::InTransaction(
    absl::FunctionRef<absl::Status(PgConnection&)> body) {
  absl::Status began = Run("BEGIN");
  // A connection the server dropped (a restart, a failover) fails its first
  // statement and only then knows it is broken. BEGIN did nothing, so
  // beginning again, on the connection Exec() opens anew, is safe: callers
  // do not see one 503 per pooled connection after every outage.
  if (absl::IsUnavailable(began) && PQstatus(conn_.get()) != CONNECTION_OK) {
    began = Run("BEGIN");
  }
  if (!began.ok()) return began;
  absl::Status s = body(*this);
  if (s.ok()) s = Run("COMMIT");
  if (!s.ok()) (void)Run("ROLLBACK");
  return s;
}

PgParam PgParam::TextArray(absl::Span<const std::string> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return Text(out);
}

absl::StatusOr<PgRows> PgConnection::Read(absl::string_view sql,
                                          absl::Span<const PgParam> params) {
  absl::StatusOr<PgRows> rows = Exec(sql, params);
  if (absl::IsUnavailable(rows.status()) &&
      PQstatus(conn_.get()) != CONNECTION_OK) {
    rows = Exec(sql, params);
  }
  return rows;
}

absl::Status PgConnection::RunScript(const char* sql) {
  PGresult* result = PQexec(conn_.get(), sql);
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  absl::Status outcome = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                             ? absl::OkStatus()
                             : ResultError(conn_.get(), result);
  PQclear(result);
  return outcome;
}

absl::Status PgConnection::Run(absl::string_view sql,
                               absl::Span<const PgParam> params) {
  absl::StatusOr<PgRows> rows = Exec(sql, params);
  return rows.ok() ? absl::OkStatus() : rows.status();
}

}  // namespace integrator
