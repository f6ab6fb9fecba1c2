#include "server/auth/credential_cache.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/memory_store.h"

namespace integrator::auth {
namespace {

ApiKeyRecord Key(const std::string& id) {
  return ApiKeyRecord{id,      "hash_" + id, id.substr(0, 4),
                      "itg_1", "",           {"write:webhook-secret"},
                      1,       std::nullopt};
}

class CredentialCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.CreateIntegrator({"itg_1", "One", 1}).ok());
  }
  MemoryStore store_;
};

TEST_F(CredentialCacheTest, ARevocationElsewhereTakesEffectWithinTheTtl) {
  CredentialCache cache(&store_, absl::Milliseconds(200));
  ASSERT_TRUE(store_.CreateApiKey(Key("key_a")).ok());
  ASSERT_TRUE(cache.FindApiKeyByHash("hash_key_a").ok());
  // Revoked behind the cache's back, as another replica or the admin does.
  ASSERT_TRUE(store_.RevokeApiKey("key_a").ok());
  EXPECT_FALSE(cache.FindApiKeyByHash("hash_key_a")->revoked_at_ms.has_value())
      << "served from the cache within the ttl";
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_TRUE(cache.FindApiKeyByHash("hash_key_a")->revoked_at_ms.has_value());
}

TEST_F(CredentialCacheTest, ARevocationThroughTheCacheTakesEffectAtOnce) {
  CredentialCache cache(&store_, absl::Hours(1));
  ASSERT_TRUE(cache.CreateApiKey(Key("key_b")).ok());
  ASSERT_TRUE(cache.FindApiKeyByHash("hash_key_b").ok());
  ASSERT_TRUE(cache.RevokeApiKey("key_b").ok());
  EXPECT_TRUE(cache.FindApiKeyByHash("hash_key_b")->revoked_at_ms.has_value());
}

TEST_F(CredentialCacheTest, AMissIsNotRemembered) {
  CredentialCache cache(&store_, absl::Hours(1));
  EXPECT_TRUE(absl::IsNotFound(cache.FindApiKeyByHash("hash_key_c").status()));
  ASSERT_TRUE(store_.CreateApiKey(Key("key_c")).ok());
  EXPECT_TRUE(cache.FindApiKeyByHash("hash_key_c").ok())
      << "a key created a moment ago works at once";
}

TEST_F(CredentialCacheTest, AFullCacheStartsOver) {
  CredentialCache cache(&store_, absl::Hours(1), /*max_entries=*/2);
  for (const char* id : {"key_d", "key_e", "key_f"}) {
    ASSERT_TRUE(store_.CreateApiKey(Key(id)).ok());
    ASSERT_TRUE(cache.FindApiKeyByHash(std::string("hash_") + id).ok());
  }
  // key_d was dropped with the rest when key_f came in: revoking it behind
  // the cache shows at once.
  ASSERT_TRUE(store_.RevokeApiKey("key_d").ok());
  EXPECT_TRUE(cache.FindApiKeyByHash("hash_key_d")->revoked_at_ms.has_value());
}

}  // namespace
}  // namespace integrator::auth
