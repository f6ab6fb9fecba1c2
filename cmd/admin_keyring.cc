#include "cmd/admin_keyring.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace integrator::cmd {

absl::StatusOr<MasterKeyring> OpenKeyring(Store& store,
                                          const KeyringFlags& flags) {
  absl::StatusOr<MasterKeyring> ring = ResolveMasterKeyringFor(
      store.sealed_rows(), {.path = flags.path,
                            .active_key_id = flags.active_key_id,
                            .allow_create = false});
  if (absl::IsNotFound(ring.status())) {
    return absl::NotFoundError(
        absl::StrCat(ring.status().message(),
                     "; start integrator-server once to create it"));
  }
  return ring;
}

absl::Status ListMasterKeys(Store& store, const KeyringFlags& flags,
                            std::ostream& out) {
  absl::StatusOr<std::vector<SealedKeyCount>> sealed =
      store.sealed_rows().SealedKeyCounts();
  if (!sealed.ok()) return sealed.status();
  // The ring as it is, even when it lacks a key: that is what to show.
  absl::StatusOr<MasterKeyring> ring =
      LoadMasterKeyring({.path = flags.path,
                         .active_key_id = flags.active_key_id,
                         .allow_create = false});
  if (!ring.ok() && !absl::IsNotFound(ring.status())) return ring.status();

  struct Line {
    int64_t rows = 0;
    std::string file;
    bool in_ring = false;
    bool active = false;
  };
  std::map<std::string, Line> lines;
  for (const SealedKeyCount& count : *sealed)
    lines[count.key_id].rows = count.rows;
  if (ring.ok()) {
    for (size_t i = 0; i < ring->keys().size(); ++i) {
      Line& line = lines[ring->keys()[i].key_id()];
      line.in_ring = true;
      line.file = ring->files()[i];
      line.active = ring->keys()[i].key_id() == ring->active().key_id();
    }
  }
  out << absl::StrFormat("%-16s  %10s  %-7s  %s\n", "KEY ID", "ROWS", "RING",
                         "FILE");
  int missing = 0;
  for (const auto& [key_id, line] : lines) {
    const char* ring_state = line.active     ? "active"
                             : line.in_ring  ? "yes"
                             : line.rows > 0 ? "MISSING"
                                             : "no";
    if (!line.in_ring && line.rows > 0) ++missing;
    out << absl::StrFormat("%-16s  %10d  %-7s  %s\n", key_id, line.rows,
                           ring_state, line.file.empty() ? "-" : line.file);
  }
  if (missing > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        missing, " key id(s) seal rows but are not in the keyring at ",
        flags.path, ": the server will not start until they are added back"));
  }
  return absl::OkStatus();
}

}  // namespace integrator::cmd
