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
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/store/sqlite_connection.h"

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

 private:
  const std::string path_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_READER_POOL_H_
