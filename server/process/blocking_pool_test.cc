#include "server/process/blocking_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace integrator::process {
namespace {

TEST(BlockingPoolTest, RunsEveryJobAndFinishesTheQueueOnDestruction) {
  std::atomic<int> ran{0};
  {
    BlockingPool pool(2, 1000);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(pool.Submit([&] { ran.fetch_add(1); }));
    }
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(BlockingPoolTest, RefusesPastItsQueueInsteadOfGrowing) {
  absl::Notification release;
  absl::Notification started;
  BlockingPool pool(1, 2);
  ASSERT_TRUE(pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the thread is busy; the queue is empty
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_FALSE(pool.Submit([] {}));
  release.Notify();
}

}  // namespace
}  // namespace integrator::process
