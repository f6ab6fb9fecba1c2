#include "cmd/fd_budget.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace integrator::cmd {
namespace {

// Runs `body` under a soft open-file limit of `soft`, then restores it.
template <typename Body>
void WithSoftLimit(rlim_t soft, const Body& body) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit lowered = saved;
  lowered.rlim_cur = soft;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  body();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

TEST(ConnectionShare, ListenersSplitTheLimitLessTheReserve) {
  WithSoftLimit(256, [] {
    EXPECT_EQ(ConnectionShare(10000, 2, "--x"), (256 - kReservedFds) / 2);
    EXPECT_EQ(ConnectionShare(10000, 1, "--x"), 256 - kReservedFds);
    EXPECT_EQ(ConnectionShare(50, 2, "--x"), 50);  // already within
  });
  WithSoftLimit(kReservedFds, [] {
    EXPECT_EQ(ConnectionShare(10000, 2, "--x"), 1);  // never zero
  });
}

TEST(RaiseOpenFileLimit, LiftsTheSoftLimitToTheHardOne) {
  WithSoftLimit(256, [] {
    RaiseOpenFileLimit();
    rlimit now{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, now.rlim_max);
  });
}

}  // namespace
}  // namespace integrator::cmd
