// The sealed rows of the SQLite store (sealed_row_store.h): reads through
// the store's reader pool, re-sealings through its single group-committing
// writer, so a rotation's batches queue with the server's own writes and
// never hold the write lock for longer than one batch.
//
// EXAMPLE:
//   SqliteSealedRows rows(&readers, &writer);
//   auto counts = rows.SealedKeyCounts();
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_SEALED_ROWS_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_SEALED_ROWS_H_

#include "server/store/group_commit_writer.h"
#include "server/store/sealed_row_store.h"
#include "server/store/sqlite_reader_pool.h"

namespace integrator {

class SqliteSealedRows final : public SealedRowStore {
 public:
  SqliteSealedRows(SqliteReaderPool* readers, GroupCommitWriter* writer)
      : readers_(readers), writer_(writer) {}

  absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCounts() override;
  absl::StatusOr<std::vector<SealedRow>> RowsNotSealedWith(
      absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
      size_t limit) override;
  absl::StatusOr<size_t> ReplaceSealing(
      absl::Span<const ResealedRow> rows) override;

 private:
  SqliteReaderPool* readers_;
  GroupCommitWriter* writer_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_SEALED_ROWS_H_
