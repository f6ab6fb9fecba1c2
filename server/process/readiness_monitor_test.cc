#include "server/process/readiness_monitor.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace integrator {
namespace {

// A store that answers or not, as the test says, and what was reported.
struct Probed {
  std::atomic<bool> reachable{true};
  absl::Mutex mu;
  std::vector<bool> reports ABSL_GUARDED_BY(mu);

  ReadinessMonitor::Probe Probe() {
    return [this] {
      return reachable ? absl::OkStatus()
                       : absl::UnavailableError("the store is down");
    };
  }
  ReadinessMonitor::OnChange OnChange() {
    return [this](bool ready) {
      absl::MutexLock lock(&mu);
      reports.push_back(ready);
    };
  }
  // Waits (up to 5 s) until `count` reports were made; returns them.
  std::vector<bool> Reports(size_t count) {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      return reports.size() >= count;
    };
    mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(5));
    return reports;
  }
};

TEST(ReadinessMonitorTest, ReportsTheFirstProbeAtOnceThenEachChange) {
  Probed probed;
  ReadinessMonitor monitor(probed.Probe(), probed.OnChange(),
                           absl::Milliseconds(5));
  EXPECT_EQ(probed.Reports(1), std::vector<bool>{true});
  EXPECT_TRUE(monitor.ready());
  probed.reachable = false;
  EXPECT_EQ(probed.Reports(2), (std::vector<bool>{true, false}));
  probed.reachable = true;
  EXPECT_EQ(probed.Reports(3), (std::vector<bool>{true, false, true}));
  absl::SleepFor(absl::Milliseconds(30));  // steady: nothing more reported
  EXPECT_EQ(probed.Reports(3).size(), 3u);
}

TEST(ReadinessMonitorTest, AStoreDownAtStartIsNotReady) {
  Probed probed;
  probed.reachable = false;
  ReadinessMonitor monitor(probed.Probe(), probed.OnChange(),
                           absl::Milliseconds(5));
  EXPECT_EQ(probed.Reports(1), std::vector<bool>{false});
  EXPECT_FALSE(monitor.ready());
}

TEST(ReadinessMonitorTest, DrainingIsNotReadyForGood) {
  Probed probed;
  ReadinessMonitor monitor(probed.Probe(), probed.OnChange(),
                           absl::Milliseconds(5));
  monitor.SetDraining();
  EXPECT_FALSE(monitor.ready());
  monitor.SetDraining();  // idempotent
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(probed.Reports(2), (std::vector<bool>{true, false}));
}

}  // namespace
}  // namespace integrator
