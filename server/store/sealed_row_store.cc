#include "server/store/sealed_row_store.h"

namespace integrator {

absl::Status CheckResealedRows(absl::Span<const ResealedRow> rows) {
  for (const ResealedRow& row : rows) {
    if (row.resealed.version != row.read.sealed.version) {
      return absl::InvalidArgumentError(
          "a re-sealed row must keep its version");
    }
    if (row.read.kind != SealedRow::Kind::kWebhookSecret &&
        row.read.kind != SealedRow::Kind::kPreviousWebhookSecret &&
        row.read.kind != SealedRow::Kind::kApiSecret) {
      return absl::InvalidArgumentError("a sealed row of no known kind");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MasterKeyring> ResolveMasterKeyringFor(
    SealedRowStore& rows, const KeyringOptions& options) {
  absl::StatusOr<std::vector<SealedKeyCount>> sealed = rows.SealedKeyCounts();
  if (!sealed.ok()) return sealed.status();
  return ResolveMasterKeyring(options, *sealed);
}

}  // namespace integrator
