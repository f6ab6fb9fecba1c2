#include "server/store/sqlite_reader_pool.h"

namespace integrator {

absl::StatusOr<SqliteReaderPool::Lease> SqliteReaderPool::Borrow() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<SqliteConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  absl::StatusOr<SqliteDb> db = OpenSqliteConnection(path_);
  if (!db.ok()) return db.status();
  // Every commit invalidates a reader's page cache; with the file mapped,
  // refilling it is a memory read instead of a pread per page.
  if (absl::Status s = SqliteExec(db->get(),
                                  "PRAGMA query_only=ON;"
                                  "PRAGMA mmap_size=67108864;");
      !s.ok()) {
    return s;
  }
  return Lease(this, std::make_unique<SqliteConnection>(std::move(*db)));
}

SqliteReaderPool::Lease::~Lease() {
  if (!conn_) return;
  absl::MutexLock lock(&pool_->mu_);
  if (pool_->idle_.size() < kMaxIdleReaders) {
    pool_->idle_.push_back(std::move(conn_));
  }
}

}  // namespace integrator
