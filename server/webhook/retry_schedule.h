// When a failed webhook delivery is tried again: the --webhook_retry_schedule
// of the server, with jitter so that receivers coming back are not hit by
// every retry at the same instant.
//
// Contract:
// - Parse() takes comma-separated absl durations ("5s,5m,30m,2h"), 1 to 32
//   of them, each from 1 ms to 7 days; anything else is InvalidArgument
//   naming the problem.
// - After the n-th failed attempt (n from 1), the next attempt is due
//   `delay[n-1]` later, scaled by a uniform factor in [0.8, 1.2]; after the
//   last delay's attempt fails there is none (the delivery has failed).
//
// EXAMPLE:
//   absl::StatusOr<RetrySchedule> schedule = RetrySchedule::Parse("5s,5m");
//   std::optional<absl::Time> next = schedule->NextAttempt(1, absl::Now());
#ifndef INTEGRATOR_SERVER_WEBHOOK_RETRY_SCHEDULE_H_
#define INTEGRATOR_SERVER_WEBHOOK_RETRY_SCHEDULE_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace integrator::webhook {

inline constexpr absl::string_view kDefaultRetrySchedule =
    "5s,5m,30m,2h,5h,10h,10h";

class RetrySchedule {
 public:
  static absl::StatusOr<RetrySchedule> Parse(absl::string_view text);

  // Due time of the attempt after the `failed_attempts`-th failure; none
  // when the schedule is used up.
  std::optional<absl::Time> NextAttempt(int failed_attempts,
                                        absl::Time now) const;

  const std::vector<absl::Duration>& delays() const { return delays_; }

 private:
  explicit RetrySchedule(std::vector<absl::Duration> delays)
      : delays_(std::move(delays)) {}
  std::vector<absl::Duration> delays_;
};

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_RETRY_SCHEDULE_H_
