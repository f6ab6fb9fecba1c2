#include "server/sealing/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/crypto/aead.h"
#include "server/crypto/digest.h"
#include "server/crypto/random.h"

namespace integrator {
namespace {

// Closes a file descriptor on every path out of a function.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

MasterKey::MasterKey(std::string bytes)
    : bytes_(std::move(bytes)), key_id_(MasterKeyId(bytes_)) {}

MasterKey::~MasterKey() { crypto::Wipe(bytes_); }

std::string MasterKeyId(absl::string_view key_bytes) {
  return crypto::Sha256Hex(
             absl::StrCat("integrator-api master key id v1:", key_bytes))
      .substr(0, 16);
}

absl::StatusOr<MasterKey> LoadMasterKeyFile(absl::string_view path) {
  const std::string p(path);
  ScopedFd fd(open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("master key file ", p, " does not exist"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open master key file ", p, ": ", ErrnoText()));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("master key file ", p, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("master key file ", p,
                     " is readable by group or others; run chmod 600 on it"));
  }
  std::string bytes(crypto::kAes256KeyBytes + 1, '\0');
  const ssize_t n = read(fd.get(), bytes.data(), bytes.size());
  if (n != static_cast<ssize_t>(crypto::kAes256KeyBytes)) {
    crypto::Wipe(bytes);
    return absl::FailedPreconditionError(
        absl::StrCat("master key file ", p, " must hold exactly 32 bytes"));
  }
  bytes.resize(crypto::kAes256KeyBytes);
  return MasterKey(std::move(bytes));
}

absl::StatusOr<MasterKey> CreateMasterKeyFile(absl::string_view path) {
  const std::filesystem::path p{std::string(path)};
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::exists(p.parent_path())) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create the folder of master key file ", p.string()));
    }
    std::filesystem::permissions(p.parent_path(),
                                 std::filesystem::perms::owner_all, ec);
  }
  absl::StatusOr<std::string> bytes =
      crypto::RandomBytes(crypto::kAes256KeyBytes);
  if (!bytes.ok()) return bytes.status();
  ScopedFd fd(open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create master key file ", p.string(), ": ", ErrnoText()));
  }
  if (write(fd.get(), bytes->data(), bytes->size()) !=
          static_cast<ssize_t>(bytes->size()) ||
      fsync(fd.get()) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot write master key file ", p.string(), ": ", ErrnoText()));
  }
  // The name too must survive a crash: rows sealed under this key will be
  // durable, and useless without it.
  const std::string folder =
      p.has_parent_path() ? p.parent_path().string() : std::string(".");
  ScopedFd dir(open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || fsync(dir.get()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot sync the folder of master key file ", p.string(),
                     ": ", ErrnoText()));
  }
  return MasterKey(std::move(*bytes));
}

}  // namespace integrator
