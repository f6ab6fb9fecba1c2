// The sealed rows of the PostgreSQL store (sealed_row_store.h). A batch of
// re-sealings is one transaction of conditional UPDATEs: each takes only its
// own row's lock, for as long as the batch, so replicas keep serving.
//
// EXAMPLE:
//   PostgresSealedRows rows(pool);
//   auto counts = rows.SealedKeyCounts();
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_SEALED_ROWS_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_SEALED_ROWS_H_

#include "server/store/postgres_pool.h"
#include "server/store/sealed_row_store.h"

namespace integrator {

class PostgresSealedRows final : public SealedRowStore {
 public:
  explicit PostgresSealedRows(PgPool* pool) : pool_(pool) {}

  absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCounts() override;
  absl::StatusOr<std::vector<SealedRow>> RowsNotSealedWith(
      absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
      size_t limit) override;
  absl::StatusOr<size_t> ReplaceSealing(
      absl::Span<const ResealedRow> rows) override;

 private:
  PgPool* pool_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_SEALED_ROWS_H_
