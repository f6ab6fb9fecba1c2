#include "server/store/postgres_sealed_rows.h"

#include <algorithm>
#include <string>
#include <vector>

#include "server/store/sealed_row_columns.h"

namespace integrator {

absl::StatusOr<std::vector<SealedKeyCount>>
PostgresSealedRows::SealedKeyCounts() {
  absl::StatusOr<PgPool::Lease> lease = pool_->Borrow();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<PgRows> rows = lease->conn().Read(kSealedKeyCountsSql);
  if (!rows.ok()) return rows.status();
  std::vector<SealedKeyCount> counts;
  for (int i = 0; i < rows->size(); ++i) {
    counts.push_back({rows->Text(i, 0), rows->Int(i, 1)});
  }
  return counts;
}

absl::StatusOr<std::vector<SealedRow>> PostgresSealedRows::RowsNotSealedWith(
    absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
    size_t limit) {
  absl::StatusOr<PgPool::Lease> lease = pool_->Borrow();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<PgRows> rows = lease->conn().Read(
      RowsNotSealedWithSql(kind, "$"),
      {PgParam::Text(key_id), PgParam::Int(static_cast<int64_t>(limit)),
       PgParam::Text(after)});
  if (!rows.ok()) return rows.status();
  std::vector<SealedRow> found;
  for (int i = 0; i < rows->size(); ++i) {
    SealedRow row;
    row.kind = kind;
    row.row_id = rows->Text(i, 0);
    row.sealed.version = rows->Int(i, 1);
    row.sealed.key_id = rows->Text(i, 2);
    row.sealed.nonce = rows->Bytes(i, 3);
    row.sealed.ciphertext = rows->Bytes(i, 4);
    row.integrator_id = rows->Text(i, 5);
    found.push_back(std::move(row));
  }
  return found;
}

absl::StatusOr<size_t> PostgresSealedRows::ReplaceSealing(
    absl::Span<const ResealedRow> rows) {
  if (absl::Status valid = CheckResealedRows(rows); !valid.ok()) return valid;
  absl::StatusOr<PgPool::Lease> lease = pool_->Borrow();
  if (!lease.ok()) return lease.status();
  // The secret writers lock the integrators' rows first, in id order, and
  // only then their secrets: a batch that touches secrets does the same,
  // so the two never wait on each other in opposite orders.
  std::vector<std::string> integrators;
  for (const ResealedRow& row : rows) {
    if (row.read.kind != SealedRow::Kind::kApiSecret) {
      integrators.push_back(row.read.row_id);
    }
  }
  std::sort(integrators.begin(), integrators.end());
  integrators.erase(std::unique(integrators.begin(), integrators.end()),
                    integrators.end());
  size_t replaced = 0;
  absl::Status s = lease->conn().InTransaction([&](PgConnection& db) {
    replaced = 0;
    if (!integrators.empty()) {
      absl::StatusOr<PgRows> locked = db.Exec(
          "SELECT id FROM integrators WHERE id = ANY($1::text[]) ORDER BY id"
          " FOR UPDATE",
          {PgParam::TextArray(integrators)});
      if (!locked.ok()) return locked.status();
    }
    for (const ResealedRow& row : rows) {
      absl::StatusOr<PgRows> updated =
          db.Exec(ReplaceSealingSql(row.read.kind, "$"),
                  {PgParam::Text(row.resealed.key_id),
                   PgParam::Bytes(row.resealed.nonce),
                   PgParam::Bytes(row.resealed.ciphertext),
                   PgParam::Text(row.read.row_id),
                   PgParam::Int(row.read.sealed.version),
                   PgParam::Bytes(row.read.sealed.nonce)});
      if (!updated.ok()) return updated.status();
      replaced += static_cast<size_t>(updated->affected());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return replaced;
}

}  // namespace integrator
