#include "proto/rpc/request_id.h"

#include "gtest/gtest.h"

namespace integrator::rpc {
namespace {

TEST(RequestIdTest, HonoursOnlyCanonicalUuids) {
  const std::string uuid = "123e4567-e89b-12d3-a456-426614174000";
  EXPECT_EQ(RequestIdFrom(uuid), uuid);
  EXPECT_EQ(RequestIdFrom("123E4567-E89B-12D3-A456-426614174000"), uuid);
  for (absl::string_view bad : {"", "abc", "123e4567e89b12d3a456426614174000",
                                "123e4567-e89b-12d3-a456-42661417400g",
                                "{123e4567-e89b-12d3-a456-4266}"}) {
    const std::string id = RequestIdFrom(bad);
    EXPECT_NE(id, bad);
    EXPECT_TRUE(IsCanonicalUuid(id));
  }
  EXPECT_TRUE(IsCanonicalUuid(RequestIdFrom(std::nullopt)));
}

TEST(RequestIdTest, NewIdsAreVersion4AndDistinct) {
  const std::string a = NewUuidV4();
  EXPECT_TRUE(IsCanonicalUuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, NewUuidV4());
}

}  // namespace
}  // namespace integrator::rpc
