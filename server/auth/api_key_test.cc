#include "server/auth/api_key.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace integrator::auth {
namespace {

TEST(ApiKeyTest, MintedKeysHaveTheDocumentedShape) {
  absl::StatusOr<NewApiKey> a = MintApiKey();
  absl::StatusOr<NewApiKey> b = MintApiKey();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(absl::StartsWith(a->key, "sk_live_"));
  EXPECT_EQ(a->key.size(), 8u + 43u);
  EXPECT_TRUE(LooksLikeApiKey(a->key));
  EXPECT_NE(a->key, b->key);
  EXPECT_NE(a->key_id, b->key_id);
  EXPECT_EQ(a->key_hash, HashApiKey(a->key));
  EXPECT_EQ(a->key_hash.size(), 64u);
  EXPECT_EQ(a->display_prefix, a->key.substr(0, 16));
  EXPECT_EQ(a->key_hash.find(a->key), std::string::npos);
}

TEST(ApiKeyTest, LooksLikeApiKeyRejectsEverythingElse) {
  EXPECT_FALSE(LooksLikeApiKey(""));
  EXPECT_FALSE(LooksLikeApiKey("sk_live_"));
  EXPECT_FALSE(LooksLikeApiKey("sk_test_" + std::string(43, 'a')));
  EXPECT_FALSE(LooksLikeApiKey("sk_live_" + std::string(42, 'a')));
  EXPECT_FALSE(LooksLikeApiKey("sk_live_" + std::string(42, 'a') + "="));
  EXPECT_TRUE(LooksLikeApiKey("sk_live_" + std::string(41, 'a') + "-_"));
}

}  // namespace
}  // namespace integrator::auth
