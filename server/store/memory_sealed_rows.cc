// MemoryStore's sealed rows (sealed_row_store.h): the same contract as the
// SQL stores, over its maps, under its lock.
#include <algorithm>
#include <map>

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
    absl::string_view key_id, SealedRow::Kind kind, absl::string_view after,
    size_t limit) {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<SealedRow> rows;
  const auto take = [&](const std::string& id, const std::string& integrator,
                        const SealedSecret& sealed) {
    if (id > after && sealed.key_id != key_id) {
      rows.push_back({kind, id, integrator, sealed});
    }
  };
  if (kind == SealedRow::Kind::kApiSecret) {
    for (const auto& [id, key] : signing_keys_) {
      take(id, key.integrator_id, key.sealed_secret);
    }
  } else {
    for (const auto& [id, secrets] : webhook_secrets_) {
      if (kind == SealedRow::Kind::kWebhookSecret) {
        take(id, id, secrets.current);
      } else if (secrets.previous.has_value()) {
        take(id, id, *secrets.previous);
      }
    }
  }
  // The SQL stores' order: by row id.
  std::sort(rows.begin(), rows.end(),
            [](const SealedRow& a, const SealedRow& b) {
              return a.row_id < b.row_id;
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
