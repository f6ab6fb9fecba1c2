#include "cmd/usage.h"

#include <string>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/rpc/version.h"

namespace integrator::cmd {
namespace {

constexpr absl::string_view kOurFolders[] = {"cmd/", "gateway/", "server/",
                                             "proto/"};

bool IsOurs(absl::string_view path) {
  const absl::string_view relative = RepositoryPath(path);
  for (absl::string_view folder : kOurFolders) {
    if (absl::StartsWith(relative, folder)) return true;
  }
  return false;
}

}  // namespace

absl::string_view RepositoryPath(absl::string_view path) {
  // The last occurrence, so a checkout under a folder named like ours
  // ("/src/server/repo/cmd/x.cc") still yields the repository's path.
  size_t best = absl::string_view::npos;
  for (absl::string_view folder : kOurFolders) {
    const std::string marker = absl::StrCat("/", folder);
    const size_t at = path.rfind(marker);
    if (at != absl::string_view::npos &&
        (best == absl::string_view::npos || at > best)) {
      best = at;
    }
  }
  if (best != absl::string_view::npos) return path.substr(best + 1);
  return path;
}

void SetUsage(absl::string_view program, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = IsOurs;
  config.contains_help_flags = IsOurs;
  config.normalize_filename = [](absl::string_view path) {
    return std::string(RepositoryPath(path));
  };
  config.version_string = [name = std::string(program)] {
    return absl::StrCat(name, " ", kVersion, "\n");
  };
  absl::SetFlagsUsageConfig(config);
}

}  // namespace integrator::cmd
