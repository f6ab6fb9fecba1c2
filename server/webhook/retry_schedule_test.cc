#include "server/webhook/retry_schedule.h"

#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

TEST(RetryScheduleTest, TheDefaultParses) {
  absl::StatusOr<RetrySchedule> schedule =
      RetrySchedule::Parse(kDefaultRetrySchedule);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(
      schedule->delays(),
      (std::vector<absl::Duration>{
          absl::Seconds(5), absl::Minutes(5), absl::Minutes(30), absl::Hours(2),
          absl::Hours(5), absl::Hours(10), absl::Hours(10)}));
}

TEST(RetryScheduleTest, BadSchedulesAreRefused) {
  for (const char* bad :
       {"", "5", "5s,", "5s,,5m", "-1s", "0s", "8d", "5 seconds", "1000h"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(RetrySchedule::Parse(bad).status()))
        << bad;
  }
  std::string many = "1s";
  for (int i = 0; i < 32; ++i) many += ",1s";
  EXPECT_FALSE(RetrySchedule::Parse(many).ok());
}

TEST(RetryScheduleTest, EachFailureWaitsItsDelayWithinTwentyPercent) {
  absl::StatusOr<RetrySchedule> schedule = RetrySchedule::Parse("10s, 1m");
  ASSERT_TRUE(schedule.ok());
  const absl::Time now = absl::FromUnixSeconds(1000000);
  for (int i = 0; i < 200; ++i) {
    std::optional<absl::Time> first = schedule->NextAttempt(1, now);
    ASSERT_TRUE(first.has_value());
    EXPECT_GE(*first - now, absl::Seconds(8));
    EXPECT_LE(*first - now, absl::Seconds(12));
    std::optional<absl::Time> second = schedule->NextAttempt(2, now);
    ASSERT_TRUE(second.has_value());
    EXPECT_GE(*second - now, absl::Seconds(48));
    EXPECT_LE(*second - now, absl::Seconds(72));
  }
  EXPECT_FALSE(schedule->NextAttempt(3, now).has_value());
  EXPECT_FALSE(schedule->NextAttempt(0, now).has_value());
}

}  // namespace
}  // namespace integrator::webhook
