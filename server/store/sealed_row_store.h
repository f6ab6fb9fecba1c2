// The sealed rows of a store, as master-key rotation sees them (DESIGN.md,
// "Sealing"): every webhook secret, every previous webhook secret still in
// its overlap window, and every signing key's API secret. Another aggregate
// of the store (Store::sealed_rows()), beside its webhooks.
//
// Contract:
// - SealedKeyCounts(): how many rows each master key id seals, by id.
// - RowsNotSealedWith(key_id, kind, after, limit): up to `limit` rows of
//   `kind` sealed under any other key, whose row id sorts after `after` (""
//   is the start), in row id order: a rotation walks each kind once with
//   the last row id as its cursor (each batch reads from the primary key,
//   so a pass is linear in the rows), and passes again until a pass finds
//   none, so an interrupted rotation resumes by simply running again.
// - ReplaceSealing(rows): for each row, writes `resealed` in place of what
//   was read, only if the row still holds exactly `read` (same version and
//   nonce): an update that came in between (a new secret, an erased previous
//   one, a revoked key) wins, and the row is not overwritten with an older
//   value; it shows up again in the next RowsNotSealedWith() if it still
//   needs re-sealing. The batch is one transaction; returns how many rows
//   were replaced. The version is kept, so a row's AAD changes only in its
//   key id.
// Implementations are thread-safe.
//
// EXAMPLE:
//   std::string after;
//   for (;;) {
//     auto rows = store.sealed_rows().RowsNotSealedWith(
//         active_id, SealedRow::Kind::kWebhookSecret, after, 100);
//     if (rows->empty()) break;
//     after = rows->back().row_id;
//     ... reseal each with the active key ...
//     store.sealed_rows().ReplaceSealing(resealed);
//   }
#ifndef INTEGRATOR_SERVER_STORE_SEALED_ROW_STORE_H_
#define INTEGRATOR_SERVER_STORE_SEALED_ROW_STORE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/sealing/master_keyring.h"
#include "server/sealing/sealed_secret.h"

namespace integrator {

struct SealedRow {
  enum class Kind { kWebhookSecret, kPreviousWebhookSecret, kApiSecret };
  Kind kind = Kind::kWebhookSecret;
  // The integrator id (webhook secrets) or the signing key id (API secrets).
  std::string row_id;
  // The integrator the row belongs to (bound into an API secret's AAD).
  std::string integrator_id;
  SealedSecret sealed;
};

// Every kind, in the order a rotation walks them.
inline constexpr SealedRow::Kind kSealedRowKinds[] = {
    SealedRow::Kind::kWebhookSecret, SealedRow::Kind::kPreviousWebhookSecret,
    SealedRow::Kind::kApiSecret};

struct ResealedRow {
  SealedRow read;
  SealedSecret resealed;  // same version as read.sealed
};

// InvalidArgument unless every row keeps its version and names a kind.
absl::Status CheckResealedRows(absl::Span<const ResealedRow> rows);

class SealedRowStore;

// The start-up rule of master_keyring.h applied to a store's rows: their
// key counts, then ResolveMasterKeyring().
absl::StatusOr<MasterKeyring> ResolveMasterKeyringFor(
    SealedRowStore& rows, const KeyringOptions& options);

class SealedRowStore {
 public:
  virtual ~SealedRowStore() = default;

  virtual absl::StatusOr<std::vector<SealedKeyCount>> SealedKeyCounts() = 0;
  virtual absl::StatusOr<std::vector<SealedRow>> RowsNotSealedWith(
      absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
      size_t limit) = 0;
  virtual absl::StatusOr<size_t> ReplaceSealing(
      absl::Span<const ResealedRow> rows) = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SEALED_ROW_STORE_H_
