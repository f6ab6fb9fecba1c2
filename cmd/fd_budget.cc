#include "cmd/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace integrator::cmd {

void RaiseOpenFileLimit() {
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
                      limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int ConnectionShare(int requested, int listeners, absl::string_view flag) {
  rlimit limit{};
  if (listeners < 1 || getrlimit(RLIMIT_NOFILE, &limit) != 0 ||
      limit.rlim_cur == RLIM_INFINITY) {
    return requested;
  }
  const rlim_t room = limit.rlim_cur > static_cast<rlim_t>(kReservedFds)
                          ? limit.rlim_cur - kReservedFds
                          : 0;
  const int share = static_cast<int>(
      std::max<rlim_t>(1, room / static_cast<rlim_t>(listeners)));
  if (requested <= share) return requested;
  // One write, so the line never interleaves with another.
  std::cerr << absl::StrCat(flag, " lowered to ", share,
                            " by the open-file limit (", limit.rlim_cur,
                            ", shared by ", listeners, " listeners)\n");
  return share;
}

}  // namespace integrator::cmd
