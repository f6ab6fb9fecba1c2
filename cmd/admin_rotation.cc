#include "cmd/admin_rotation.h"

#include <signal.h>

#include <atomic>
#include <numeric>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/crypto/random.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/credential_store.h"

namespace integrator::cmd {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested = true; }

// SIGINT and SIGTERM finish the batch under way instead of killing the
// process mid-batch; the previous handlers come back at the end.
class StopOnSignal {
 public:
  StopOnSignal() {
    stop_requested = false;
    struct sigaction action {};
    action.sa_handler = RequestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignal() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

SealPurpose PurposeOf(const SealedRow& row) {
  return row.kind == SealedRow::Kind::kApiSecret ? SealPurpose::kApiSecret
                                                 : SealPurpose::kWebhookSecret;
}

// The row identity its AAD binds (secret_sealer.h).
std::string AadRowId(const SealedRow& row) {
  return row.kind == SealedRow::Kind::kApiSecret
             ? ApiSecretRowId(row.integrator_id, row.row_id)
             : row.row_id;
}

std::string Describe(const SealedRow& row) {
  const char* kind = row.kind == SealedRow::Kind::kApiSecret ? "API secret of"
                     : row.kind == SealedRow::Kind::kPreviousWebhookSecret
                         ? "previous webhook secret of"
                         : "webhook secret of";
  return absl::StrCat(kind, " ", row.row_id, " (key id ", row.sealed.key_id,
                      ", version ", row.sealed.version, ")");
}

// Done of total, rate and time left: a bar redrawn in place on a terminal,
// a plain line a second otherwise.
class Progress {
 public:
  Progress(std::ostream& out, bool terminal, int64_t total)
      : out_(out), terminal_(terminal), total_(total) {}

  void Update(int64_t done, bool last = false) {
    const absl::Time now = absl::Now();
    const absl::Duration every =
        terminal_ ? absl::Milliseconds(100) : absl::Seconds(1);
    if (!last && now - shown_ < every) return;
    shown_ = now;
    const double seconds =
        std::max(absl::ToDoubleSeconds(now - started_), 1e-3);
    const double rate = static_cast<double>(done) / seconds;
    const int64_t left = std::max<int64_t>(total_ - done, 0);
    const std::string eta =
        rate > 0 ? absl::StrFormat("%.0fs left", left / rate) : "-";
    if (terminal_) {
      constexpr int kWidth = 30;
      const int filled =
          total_ > 0 ? static_cast<int>(
                           kWidth * std::min<int64_t>(done, total_) / total_)
                     : kWidth;
      out_ << absl::StrFormat("\r[%s%s] %d/%d rows  %.0f rows/s  %s\x1b[K",
                              std::string(filled, '#'),
                              std::string(kWidth - filled, '-'), done, total_,
                              rate, eta);
      if (last) out_ << "\n";
    } else {
      out_ << absl::StrFormat(
          "rotate-master-key: %d/%d rows, %.0f rows/s, %s\n", done, total_,
          rate, eta);
    }
    out_.flush();
  }

 private:
  std::ostream& out_;
  const bool terminal_;
  const int64_t total_;
  const absl::Time started_ = absl::Now();
  absl::Time shown_ = absl::InfinitePast();
};

absl::StatusOr<ResealedRow> Reseal(const SecretSealer& sealer,
                                   const SealedRow& row) {
  absl::StatusOr<std::string> plaintext =
      sealer.Open(PurposeOf(row), AadRowId(row), row.sealed);
  if (!plaintext.ok()) {
    return absl::Status(plaintext.status().code(),
                        absl::StrCat("the ", Describe(row), " does not open: ",
                                     plaintext.status().message()));
  }
  absl::StatusOr<SealedSecret> resealed = sealer.Seal(
      PurposeOf(row), AadRowId(row), row.sealed.version, *plaintext);
  crypto::Wipe(*plaintext);
  if (!resealed.ok()) return resealed.status();
  return ResealedRow{row, *std::move(resealed)};
}

// Writes a batch, retrying what a busy or failed-over store may answer.
absl::StatusOr<size_t> Replace(SealedRowStore& rows,
                               const std::vector<ResealedRow>& batch) {
  absl::StatusOr<size_t> replaced;
  for (int attempt = 0; attempt < 5; ++attempt) {
    replaced = rows.ReplaceSealing(batch);
    if (replaced.ok() || (!absl::IsUnavailable(replaced.status()) &&
                          !absl::IsAborted(replaced.status()) &&
                          !absl::IsResourceExhausted(replaced.status()))) {
      return replaced;
    }
    absl::SleepFor(absl::Milliseconds(200) * (attempt + 1));
  }
  return replaced;
}

absl::Status PrintCounts(SealedRowStore& rows, std::ostream& out) {
  absl::StatusOr<std::vector<SealedKeyCount>> counts = rows.SealedKeyCounts();
  if (!counts.ok()) return counts.status();
  out << "rows sealed per master key id:\n";
  for (const SealedKeyCount& count : *counts) {
    out << absl::StrFormat("  %-16s %d\n", count.key_id, count.rows);
  }
  return absl::OkStatus();
}

// Calls `each` with every row of every kind not sealed under `key_id`, a
// batch at a time, walking each kind once by row id. Stops early when
// `each` fails, or when a stop was requested.
absl::Status ForEachBatch(
    SealedRowStore& rows, absl::string_view key_id, size_t batch_size,
    absl::FunctionRef<absl::Status(const std::vector<SealedRow>&)> each) {
  for (SealedRow::Kind kind : kSealedRowKinds) {
    std::string after;
    while (!stop_requested) {
      absl::StatusOr<std::vector<SealedRow>> batch =
          rows.RowsNotSealedWith(key_id, kind, after, batch_size);
      if (!batch.ok()) return batch.status();
      if (batch->empty()) break;
      after = batch->back().row_id;
      if (absl::Status s = each(*batch); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Verify(SealedRowStore& rows, const SecretSealer& sealer,
                    std::ostream& out) {
  int64_t opened = 0;
  int64_t failed = 0;
  // No key id is empty: every row.
  absl::Status walked =
      ForEachBatch(rows, "", 1000, [&](const std::vector<SealedRow>& batch) {
        for (const SealedRow& row : batch) {
          absl::StatusOr<std::string> plaintext =
              sealer.Open(PurposeOf(row), AadRowId(row), row.sealed);
          if (plaintext.ok()) {
            crypto::Wipe(*plaintext);
            ++opened;
          } else {
            ++failed;
            out << "does not open: " << Describe(row) << "\n";
          }
        }
        return absl::OkStatus();
      });
  if (!walked.ok()) return walked;
  out << absl::StrFormat("verify: %d rows open, %d do not\n", opened, failed);
  if (failed > 0) {
    return absl::DataLossError(
        absl::StrCat(failed, " sealed rows do not open with the keyring"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RotateMasterKey(Store& store, const KeyringFlags& ring_flags,
                             const RotationOptions& options,
                             std::ostream& progress, bool is_terminal) {
  absl::StatusOr<MasterKeyring> ring = OpenKeyring(store, ring_flags);
  if (!ring.ok()) return ring.status();
  if (!options.new_key_file.empty()) {
    absl::StatusOr<MasterKey> key = LoadMasterKeyFile(options.new_key_file);
    if (absl::IsNotFound(key.status())) {
      key = CreateMasterKeyFile(options.new_key_file);
      if (key.ok()) {
        progress << "created master key " << key->key_id() << " in "
                 << options.new_key_file << "\n";
      }
    }
    if (!key.ok()) return key.status();
    ring = std::move(*ring).WithActive(*std::move(key), options.new_key_file);
  }
  const SecretSealer sealer(*std::move(ring));
  SealedRowStore& rows = store.sealed_rows();
  if (options.verify) return Verify(rows, sealer, progress);

  const std::string target = sealer.key_id();
  absl::StatusOr<std::vector<SealedKeyCount>> counts = rows.SealedKeyCounts();
  if (!counts.ok()) return counts.status();
  int64_t total = 0;
  for (const SealedKeyCount& count : *counts) {
    if (count.key_id != target) total += count.rows;
  }
  // Before the first line: whoever waits for it may signal at once.
  StopOnSignal stop;
  progress << "re-sealing " << total << " rows under master key " << target
           << "\n";
  progress.flush();
  Progress shown(progress, is_terminal, total);
  int64_t done = 0;
  // A pass walks every kind once; rows that an update raced in a pass (not
  // replaced) are found by the next one. Done when a pass finds no row.
  for (bool found = true; found && !stop_requested;) {
    found = false;
    absl::Status pass = ForEachBatch(
        rows, target, options.batch_size,
        [&](const std::vector<SealedRow>& batch) -> absl::Status {
          found = true;
          std::vector<ResealedRow> resealed;
          for (const SealedRow& row : batch) {
            absl::StatusOr<ResealedRow> one = Reseal(sealer, row);
            if (!one.ok()) return one.status();
            resealed.push_back(*std::move(one));
          }
          absl::StatusOr<size_t> replaced = Replace(rows, resealed);
          if (!replaced.ok()) return replaced.status();
          done += static_cast<int64_t>(*replaced);
          shown.Update(done);
          return absl::OkStatus();
        });
    if (!pass.ok()) return pass;
  }
  shown.Update(done, /*last=*/true);
  if (stop_requested) {
    progress << "interrupted after " << done
             << " rows; run rotate-master-key again to continue\n";
    return absl::CancelledError("interrupted");
  }
  return PrintCounts(rows, progress);
}

}  // namespace integrator::cmd
