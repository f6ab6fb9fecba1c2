#include "server/webhook/retry_schedule.h"

#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace integrator::webhook {

absl::StatusOr<RetrySchedule> RetrySchedule::Parse(absl::string_view text) {
  std::vector<absl::Duration> delays;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    absl::Duration delay;
    if (!absl::ParseDuration(std::string(absl::StripAsciiWhitespace(part)),
                             &delay)) {
      return absl::InvalidArgumentError(
          "the retry schedule must be durations like 5s,5m,30m");
    }
    if (delay < absl::Milliseconds(1) || delay > absl::Hours(24 * 7)) {
      return absl::InvalidArgumentError(
          "each retry delay must be 1ms to 7 days");
    }
    delays.push_back(delay);
  }
  if (delays.empty() || delays.size() > 32) {
    return absl::InvalidArgumentError("the retry schedule has 1 to 32 delays");
  }
  return RetrySchedule(std::move(delays));
}

std::optional<absl::Time> RetrySchedule::NextAttempt(int failed_attempts,
                                                     absl::Time now) const {
  if (failed_attempts < 1 ||
      failed_attempts > static_cast<int>(delays_.size())) {
    return std::nullopt;
  }
  thread_local absl::BitGen random;
  const double jitter = absl::Uniform(random, 0.8, 1.2);
  return now + delays_[failed_attempts - 1] * jitter;
}

}  // namespace integrator::webhook
