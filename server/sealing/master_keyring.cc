#include "server/sealing/master_keyring.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace integrator {
namespace {

namespace fs = std::filesystem;

struct KeyFile {
  fs::path path;
  fs::file_time_type modified;
};

// The folder's *.key files, oldest first (so the last is the most recently
// added); at most kMaxKeys, so a wrong folder cannot make start-up read
// without bound.
absl::StatusOr<std::vector<KeyFile>> ListKeyFiles(const fs::path& folder) {
  constexpr size_t kMaxKeys = 64;
  std::vector<KeyFile> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() != ".key") continue;
    if (!it->is_regular_file(ec)) continue;
    if (files.size() == kMaxKeys) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the master key folder ", folder.string(), " holds more than ",
          kMaxKeys, " key files; retire old keys"));
    }
    files.push_back({it->path(), it->last_write_time(ec)});
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list the master key folder ", folder.string(),
                     ": ", ec.message()));
  }
  std::sort(files.begin(), files.end(), [](const KeyFile& a, const KeyFile& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.path < b.path;
  });
  return files;
}

// The key id in the folder's `active` file, trimmed; empty when there is
// none. A few bytes at most: anything longer is not a key id.
absl::StatusOr<std::string> ReadActiveFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::string();
  std::ifstream in(file);
  std::string text(65, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  const std::string id(absl::StripAsciiWhitespace(text));
  if (!in.eof() || id.empty() || id.size() > 64) {
    return absl::FailedPreconditionError(absl::StrCat(
        file.string(), " must hold one master key id (16 hex characters)"));
  }
  return id;
}

std::string KeyIds(const std::vector<MasterKey>& keys) {
  std::vector<std::string> ids;
  for (const MasterKey& key : keys) ids.push_back(key.key_id());
  return absl::StrJoin(ids, ", ");
}

}  // namespace

absl::StatusOr<MasterKeyring> MasterKeyring::Create(
    std::vector<MasterKey> keys, absl::string_view active_key_id) {
  if (keys.empty()) {
    return absl::FailedPreconditionError("the master keyring is empty");
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].key_id() == active_key_id) {
      return MasterKeyring(std::move(keys), i);
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the active master key id ", active_key_id,
                   " is not in the keyring (", KeyIds(keys), ")"));
}

MasterKeyring MasterKeyring::WithActive(MasterKey key, std::string file) && {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].key_id() == key.key_id()) {
      active_ = i;
      return std::move(*this);
    }
  }
  keys_.push_back(std::move(key));
  files_.push_back(std::move(file));
  active_ = keys_.size() - 1;
  return std::move(*this);
}

const MasterKey* MasterKeyring::Find(absl::string_view key_id) const {
  for (const MasterKey& key : keys_) {
    if (key.key_id() == key_id) return &key;
  }
  return nullptr;
}

absl::StatusOr<MasterKeyring> LoadMasterKeyring(const KeyringOptions& options) {
  const fs::path path(options.path);
  std::error_code ec;
  std::vector<MasterKey> keys;
  std::vector<std::string> files;
  if (!fs::is_directory(path, ec)) {
    absl::StatusOr<MasterKey> key = LoadMasterKeyFile(options.path);
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
    files.push_back(options.path);
  } else {
    absl::StatusOr<std::vector<KeyFile>> listed = ListKeyFiles(path);
    if (!listed.ok()) return listed.status();
    for (const KeyFile& file : *listed) {
      // A key may be a symlink (a Kubernetes Secret volume's files are):
      // its target is read, with the same checks.
      const fs::path real = fs::canonical(file.path, ec);
      absl::StatusOr<MasterKey> key =
          LoadMasterKeyFile(ec ? file.path.string() : real.string());
      if (!key.ok()) return key.status();
      // A copy of a key already read is the same key.
      const bool seen = std::any_of(
          keys.begin(), keys.end(),
          [&](const MasterKey& k) { return k.key_id() == key->key_id(); });
      if (!seen) {
        keys.push_back(*std::move(key));
        files.push_back(file.path.string());
      }
    }
    if (keys.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "the master key folder ", options.path, " holds no *.key file"));
    }
  }
  std::string active = options.active_key_id;
  if (active.empty() && fs::is_directory(path, ec)) {
    absl::StatusOr<std::string> named = ReadActiveFile(path / "active");
    if (!named.ok()) return named.status();
    active = *named;
  }
  if (active.empty()) active = keys.back().key_id();
  absl::StatusOr<MasterKeyring> ring =
      MasterKeyring::Create(std::move(keys), active);
  if (ring.ok()) ring->files_ = std::move(files);
  return ring;
}

absl::StatusOr<MasterKeyring> ResolveMasterKeyring(
    const KeyringOptions& options, absl::Span<const SealedKeyCount> sealed) {
  absl::StatusOr<MasterKeyring> ring = LoadMasterKeyring(options);
  if (ring.ok()) {
    std::vector<std::string> missing;
    for (const SealedKeyCount& count : sealed) {
      if (count.rows > 0 && ring->Find(count.key_id) == nullptr) {
        missing.push_back(
            absl::StrCat(count.key_id, " (", count.rows, " rows)"));
      }
    }
    if (!missing.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the store holds secrets sealed with master key id ",
                       absl::StrJoin(missing, ", "), ", which the keyring at ",
                       options.path, " (", KeyIds(ring->keys()),
                       ") does not have; add that key back to the keyring"));
    }
    return ring;
  }
  if (!absl::IsNotFound(ring.status())) return ring.status();
  std::vector<std::string> needed;
  for (const SealedKeyCount& count : sealed) {
    if (count.rows > 0) {
      needed.push_back(absl::StrCat(count.key_id, " (", count.rows, " rows)"));
    }
  }
  if (!needed.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the master keyring at ", options.path,
        " is missing, but the store holds secrets sealed with master key id ",
        absl::StrJoin(needed, ", "),
        "; refusing to continue rather than lose them: restore the key files"));
  }
  if (!options.allow_create) return ring.status();
  // The first key: the file named, or a new file in an existing empty folder.
  const fs::path path(options.path);
  std::error_code ec;
  absl::StatusOr<MasterKey> key =
      fs::is_directory(path, ec)
          ? CreateMasterKeyFile((path / "first.key").string())
          : CreateMasterKeyFile(options.path);
  if (!key.ok()) return key.status();
  std::vector<MasterKey> keys;
  keys.push_back(*std::move(key));
  const std::string id = keys.front().key_id();
  return MasterKeyring::Create(std::move(keys), id);
}

}  // namespace integrator
