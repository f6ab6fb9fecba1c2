// A pool of read-only connections to one SQLite file, so concurrent lookups
// (credentials on every call) run in parallel with the single writer.
//
// Contract: Borrow() hands out a connection for one call; the Lease returns
// it when it goes (up to kMaxIdleReaders are kept, more are opened under
// load and closed afterwards). Connections are query_only and read with
// pread, not a memory map. Thread-safe; the pool must outlive its leases.
//
// EXAMPLE:
//   SqliteReaderPool readers("data/integrator.db");
//   absl::StatusOr<SqliteReaderPool::Lease> reader = readers.Borrow();
//   absl::StatusOr<SqliteStatement> stmt = reader->conn().Prepare("SELECT 1");
//   absl::StatusOr<std::string> name = readers.QueryOne<std::string>(
//       "SELECT name FROM integrators WHERE id=?",
//       [&](SqliteStatement& q) { q.BindText(1, id); },
//       [](SqliteStatement& row) { return row.ColumnText(0); },
//       "integrator not found");
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_statement.h"

namespace integrator {

class SqliteReaderPool {
 public:
  static constexpr size_t kMaxIdleReaders = 8;

  explicit SqliteReaderPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SqliteConnection& conn() const { return *conn_; }

   private:
    friend class SqliteReaderPool;
    Lease(SqliteReaderPool* pool, std::unique_ptr<SqliteConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    SqliteReaderPool* pool_;
    std::unique_ptr<SqliteConnection> conn_;
  };

  absl::StatusOr<Lease> Borrow();

  // The one way the store reads: borrows a connection, prepares `sql`, lets
  // `bind` bind its parameters, and hands each result row to `row` until it
  // returns false or the rows end. Borrow, prepare and step errors are
  // returned; the connection goes back to the pool in every case.
  absl::Status Query(absl::string_view sql,
                     absl::FunctionRef<void(SqliteStatement&)> bind,
                     absl::FunctionRef<bool(SqliteStatement&)> row);

  // The first row of `sql` as `read` makes it; NotFound(`not_found`) when
  // there is none.
  template <typename T>
  absl::StatusOr<T> QueryOne(absl::string_view sql,
                             absl::FunctionRef<void(SqliteStatement&)> bind,
                             absl::FunctionRef<T(SqliteStatement&)> read,
                             absl::string_view not_found) {
    std::optional<T> found;
    absl::Status s = Query(sql, bind, [&](SqliteStatement& stmt) {
      found = read(stmt);
      return false;
    });
    if (!s.ok()) return s;
    if (!found.has_value()) return absl::NotFoundError(not_found);
    return std::move(*found);
  }

  // Every row of `sql`, each as `read` makes it.
  template <typename T>
  absl::StatusOr<std::vector<T>> QueryAll(
      absl::string_view sql, absl::FunctionRef<void(SqliteStatement&)> bind,
      absl::FunctionRef<T(SqliteStatement&)> read) {
    std::vector<T> rows;
    absl::Status s = Query(sql, bind, [&](SqliteStatement& stmt) {
      rows.push_back(read(stmt));
      return true;
    });
    if (!s.ok()) return s;
    return rows;
  }

  // For a statement without parameters.
  static void NoParameters(SqliteStatement&) {}

 private:
  const std::string path_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_
