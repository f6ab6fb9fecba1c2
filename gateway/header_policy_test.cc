#include "gateway/header_policy.h"

#include "gtest/gtest.h"

namespace gateway {
namespace {

TEST(HeaderPolicyTest, ForwardsOnlyTheAllowListLowerCased) {
  absl::StatusOr<HeaderList> md = ForwardableMetadata({
      {"authorization", "Bearer abc"},
      {"x-request-id", "123"},
      {"cookie", "session=1"},
      {"x-signature", "sha256=00"},
      {"grpc-metadata-tenant", "t1"},
      {"grpc-metadata-grpc-timeout", "1S"},
      {"grpc-metadata-x-gateway-http-path", "/forged"},
      {"x-gateway-body-sha256", "forged"},
      {"content-type", "application/json"},
  });
  ASSERT_TRUE(md.ok());
  HeaderList expected = {{"authorization", "Bearer abc"},
                         {"x-request-id", "123"},
                         {"x-signature", "sha256=00"},
                         {"tenant", "t1"}};
  EXPECT_EQ(*md, expected);
}

TEST(HeaderPolicyTest, IllegalBytesInForwardedHeadersAreRejected) {
  for (const std::string& bad :
       {std::string("Bearer \x7f"), std::string("Bearer \xff"),
        std::string("a\tb"), std::string(5000, 'a')}) {
    absl::StatusOr<HeaderList> md =
        ForwardableMetadata({{"authorization", bad}});
    EXPECT_EQ(md.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(md.status().message().find(bad), std::string::npos);
  }
  EXPECT_FALSE(ForwardableMetadata({{"grpc-metadata-Bad Key", "v"}}).ok());
  HeaderList many;
  for (int i = 0; i < 3; ++i) {
    many.emplace_back("grpc-metadata-k" + std::to_string(i),
                      std::string(4000, 'v'));
  }
  EXPECT_EQ(ForwardableMetadata(many).status().code(),
            absl::StatusCode::kResourceExhausted);
  // Headers that are not forwarded are not judged.
  EXPECT_TRUE(ForwardableMetadata({{"user-agent", "\xff"}}).ok());
}

TEST(HeaderPolicyTest, KeyAndValueCharsets) {
  EXPECT_TRUE(IsValidMetadataKey("a-b_c.9"));
  EXPECT_FALSE(IsValidMetadataKey("A"));
  EXPECT_FALSE(IsValidMetadataKey(""));
  EXPECT_FALSE(IsValidMetadataKey("a:b"));
  EXPECT_TRUE(IsValidMetadataValue(" ~"));
  EXPECT_FALSE(IsValidMetadataValue("\x1f"));
}

}  // namespace
}  // namespace gateway
