#include "server/store/sqlite_sealed_rows.h"

#include <sqlite3.h>

#include "server/store/sealed_row_columns.h"

namespace integrator {

absl::StatusOr<std::vector<SealedKeyCount>>
SqliteSealedRows::SealedKeyCounts() {
  return readers_->QueryAll<SealedKeyCount>(
      kSealedKeyCountsSql, SqliteReaderPool::NoParameters,
      [](SqliteStatement& row) {
        return SealedKeyCount{row.ColumnText(0), row.ColumnInt64(1)};
      });
}

absl::StatusOr<std::vector<SealedRow>> SqliteSealedRows::RowsNotSealedWith(
    absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
    size_t limit) {
  return readers_->QueryAll<SealedRow>(
      RowsNotSealedWithSql(kind, "?"),
      [&](SqliteStatement& q) {
        q.BindText(1, key_id)
            .BindInt64(2, static_cast<int64_t>(limit))
            .BindText(3, after);
      },
      [kind](SqliteStatement& row) {
        SealedRow sealed;
        sealed.kind = kind;
        sealed.row_id = row.ColumnText(0);
        sealed.sealed.version = row.ColumnInt64(1);
        sealed.sealed.key_id = row.ColumnText(2);
        sealed.sealed.nonce = row.ColumnBlob(3);
        sealed.sealed.ciphertext = row.ColumnBlob(4);
        sealed.integrator_id = row.ColumnText(5);
        return sealed;
      });
}

absl::StatusOr<size_t> SqliteSealedRows::ReplaceSealing(
    absl::Span<const ResealedRow> rows) {
  if (absl::Status valid = CheckResealedRows(rows); !valid.ok()) return valid;
  size_t replaced = 0;
  absl::Status s =
      writer_->SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
        replaced = 0;
        for (const ResealedRow& row : rows) {
          absl::StatusOr<SqliteStatement> update =
              db.Prepare(ReplaceSealingSql(row.read.kind, "?"));
          if (!update.ok()) return update.status();
          absl::Status written = update->BindText(1, row.resealed.key_id)
                                     .BindBlob(2, row.resealed.nonce)
                                     .BindBlob(3, row.resealed.ciphertext)
                                     .BindText(4, row.read.row_id)
                                     .BindInt64(5, row.read.sealed.version)
                                     .BindBlob(6, row.read.sealed.nonce)
                                     .Run();
          if (!written.ok()) return written;
          replaced += static_cast<size_t>(sqlite3_changes(db.get()));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return replaced;
}

}  // namespace integrator
