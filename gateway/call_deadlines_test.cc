#include "gateway/call_deadlines.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gateway/gateway_error.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

TEST(CallDeadlines, AnAnswerInTimeIsPassedOnOnce) {
  CallDeadlines deadlines(absl::Seconds(5));
  int calls = 0;
  absl::Status seen = absl::UnknownError("unset");
  Invoker::Done guarded = deadlines.Guard(
      [&](absl::Status s, std::unique_ptr<google::protobuf::Message>) {
        ++calls;
        seen = s;
      });
  guarded(absl::OkStatus(), nullptr);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(seen.ok());
}

TEST(CallDeadlines, ALateCallIsA504AndItsAnswerIsDropped) {
  CallDeadlines deadlines(absl::Milliseconds(50));
  std::atomic<int> calls{0};
  absl::Notification answered;
  absl::Status seen;
  Invoker::Done guarded = deadlines.Guard(
      [&](absl::Status s, std::unique_ptr<google::protobuf::Message>) {
        seen = s;
        ++calls;
        answered.Notify();
      });
  ASSERT_TRUE(answered.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(seen.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(HttpStatusOverride(seen), 504);
  guarded(absl::OkStatus(), nullptr);  // too late: dropped
  EXPECT_EQ(calls.load(), 1);
}

TEST(CallDeadlines, ManyCallsOnlyTheLateOnesExpire) {
  CallDeadlines deadlines(absl::Milliseconds(100));
  std::atomic<int> expired{0};
  std::atomic<int> ok{0};
  std::vector<Invoker::Done> open;
  for (int i = 0; i < 100; ++i) {
    open.push_back(deadlines.Guard(
        [&](absl::Status s, std::unique_ptr<google::protobuf::Message>) {
          (s.ok() ? ok : expired)++;
        }));
  }
  for (int i = 0; i < 100; i += 2) open[i](absl::OkStatus(), nullptr);
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(expired.load(), 50);
}

}  // namespace
}  // namespace gateway
