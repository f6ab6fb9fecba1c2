// MemoryStore's sealed rows (sealed_row_store.h): the same contract as the
// SQL stores, over its maps, under its lock.
#include <algorithm>
#include <map>
#include <tuple>

#include "server/store/memory_store.h"

namespace integrator {
namespace {

bool SameSealing(const SealedSecret& a, const SealedSecret& b) {
  return a.version == b.version && a.nonce == b.nonce;
}

}  // namespace

absl::StatusOr<std::vector<SealedKeyCount>> MemoryStore::SealedKeyCounts() {
  absl::ReaderMutexLock lock(&mu_);
  std::map<std::string, int64_t> counts;
  for (const auto& [id, secrets] : webhook_secrets_) {
    ++counts[secrets.current.key_id];
    if (secrets.previous.has_value()) ++counts[secrets.previous->key_id];
  }
  for (const auto& [id, key] : signing_keys_) {
    ++counts[key.sealed_secret.key_id];
  }
  std::vector<SealedKeyCount> out;
  for (const auto& [key_id, rows] : counts) out.push_back({key_id, rows});
  return out;
}

absl::StatusOr<std::vector<SealedRow>> MemoryStore::RowsNotSealedWith(
    absl::string_view key_id, size_t limit) {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<SealedRow> rows;
  for (const auto& [id, secrets] : webhook_secrets_) {
    if (secrets.current.key_id != key_id) {
      rows.push_back(
          {SealedRow::Kind::kWebhookSecret, id, id, secrets.current});
    }
    if (secrets.previous.has_value() && secrets.previous->key_id != key_id) {
      rows.push_back(
          {SealedRow::Kind::kPreviousWebhookSecret, id, id, *secrets.previous});
    }
  }
  for (const auto& [id, key] : signing_keys_) {
    if (key.sealed_secret.key_id != key_id) {
      rows.push_back({SealedRow::Kind::kApiSecret, id, key.integrator_id,
                      key.sealed_secret});
    }
  }
  // The SQL stores' order: by kind, then row id.
  std::sort(rows.begin(), rows.end(),
            [](const SealedRow& a, const SealedRow& b) {
              return std::tie(a.kind, a.row_id) < std::tie(b.kind, b.row_id);
            });
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

absl::StatusOr<size_t> MemoryStore::ReplaceSealing(
    absl::Span<const ResealedRow> rows) {
  if (absl::Status valid = CheckResealedRows(rows); !valid.ok()) return valid;
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the store is closed");
  size_t replaced = 0;
  for (const ResealedRow& row : rows) {
    SealedSecret* target = nullptr;
    if (row.read.kind == SealedRow::Kind::kApiSecret) {
      auto key = signing_keys_.find(row.read.row_id);
      if (key != signing_keys_.end()) target = &key->second.sealed_secret;
    } else {
      auto secrets = webhook_secrets_.find(row.read.row_id);
      if (secrets != webhook_secrets_.end()) {
        if (row.read.kind == SealedRow::Kind::kWebhookSecret) {
          target = &secrets->second.current;
        } else if (secrets->second.previous.has_value()) {
          target = &*secrets->second.previous;
        }
      }
    }
    if (target == nullptr || !SameSealing(*target, row.read.sealed)) continue;
    *target = row.resealed;
    ++replaced;
  }
  return replaced;
}

}  // namespace integrator
