// Where each kind of sealed row lives in the SQL stores (SQLite and
// PostgreSQL name their columns alike): its table, the row's key and version
// columns, and the three columns of its sealing. For the statements of
// sealed_row_store.h, written once for both dialects.
//
// EXAMPLE:
//   const SealedRowColumns c = ColumnsOf(SealedRow::Kind::kApiSecret);
//   absl::StrCat("UPDATE ", c.table, " SET ", c.key_id, "=...");
#ifndef INTEGRATOR_SERVER_STORE_SEALED_ROW_COLUMNS_H_
#define INTEGRATOR_SERVER_STORE_SEALED_ROW_COLUMNS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/store/sealed_row_store.h"

namespace integrator {

struct SealedRowColumns {
  absl::string_view table;
  absl::string_view id;
  absl::string_view version;
  absl::string_view key_id;
  absl::string_view nonce;
  absl::string_view ciphertext;
};

inline SealedRowColumns ColumnsOf(SealedRow::Kind kind) {
  switch (kind) {
    case SealedRow::Kind::kWebhookSecret:
      return {"webhook_secrets", "integrator_id", "version",
              "key_id",          "nonce",         "ciphertext"};
    case SealedRow::Kind::kPreviousWebhookSecret:
      return {"webhook_secrets", "integrator_id", "prev_version",
              "prev_key_id",     "prev_nonce",    "prev_ciphertext"};
    case SealedRow::Kind::kApiSecret:
      break;
  }
  return {"signing_keys",   "key_id", "version",
          "sealing_key_id", "nonce",  "ciphertext"};
}

// How many rows each key id seals; no parameters.
inline constexpr absl::string_view kSealedKeyCountsSql =
    "SELECT k, count(*) FROM ("
    " SELECT key_id AS k FROM webhook_secrets"
    " UNION ALL SELECT prev_key_id FROM webhook_secrets"
    "  WHERE prev_key_id IS NOT NULL"
    " UNION ALL SELECT sealing_key_id FROM signing_keys) AS sealed"
    " GROUP BY k ORDER BY k";

// Rows of `kind` sealed under another key than parameter 1, whose row id
// sorts after parameter 3, at most parameter 2 of them, in row id order:
// row id, version, key id, nonce, ciphertext, integrator id. The row id is
// the table's primary key, so each batch reads from its index. (A NULL
// previous key id is never <> anything: rows without a previous secret are
// left out.) `p` is the dialect's parameter prefix ("?" or "$").
inline std::string RowsNotSealedWithSql(SealedRow::Kind kind,
                                        absl::string_view p) {
  const SealedRowColumns c = ColumnsOf(kind);
  return absl::StrCat("SELECT ", c.id, ", ", c.version, ", ", c.key_id, ", ",
                      c.nonce, ", ", c.ciphertext, ", integrator_id FROM ",
                      c.table, " WHERE ", c.id, " > ", p, "3 AND ", c.key_id,
                      " <> ", p, "1 ORDER BY ", c.id, " LIMIT ", p, "2");
}

// Replaces one row's sealing if it still holds what was read: parameters
// 1-3 the new key id, nonce and ciphertext; 4-6 the row id, version and
// nonce that were read.
inline std::string ReplaceSealingSql(SealedRow::Kind kind,
                                     absl::string_view p) {
  const SealedRowColumns c = ColumnsOf(kind);
  return absl::StrCat("UPDATE ", c.table, " SET ", c.key_id, "=", p, "1, ",
                      c.nonce, "=", p, "2, ", c.ciphertext, "=", p, "3 WHERE ",
                      c.id, "=", p, "4 AND ", c.version, "=", p, "5 AND ",
                      c.nonce, "=", p, "6");
}

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SEALED_ROW_COLUMNS_H_
