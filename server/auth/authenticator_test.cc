#include "server/auth/authenticator.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "server/auth/api_key.h"
#include "server/auth/request_signature.h"
#include "server/auth/scopes.h"
#include "server/crypto/digest.h"
#include "server/store/memory_store.h"

namespace integrator::auth {
namespace {

google::rpc::ErrorInfo Info(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  absl::optional<absl::Cord> payload =
      status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  if (payload.has_value()) info.ParseFromString(std::string(*payload));
  return info;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.CreateIntegrator({"itg_a", "A", 1}).ok());
    key_ = Mint({"write:webhook-secret"});
    read_only_key_ = Mint({"admin:integrators"});
  }
  std::string Mint(std::vector<std::string> scopes) {
    NewApiKey key = *MintApiKey();
    EXPECT_TRUE(store_
                    .CreateApiKey({key.key_id, key.key_hash, key.display_prefix,
                                   "itg_a", "", scopes, 1, std::nullopt})
                    .ok());
    return key.key;
  }
  absl::StatusOr<Principal> Auth(std::optional<absl::string_view> header) {
    return auth_.Authenticate(header, kScopeWriteWebhookSecret);
  }

  MemoryStore store_;
  SecretSealer sealer_{MasterKey(std::string(32, 'k'))};
  Authenticator auth_{&store_, &sealer_};
  std::string key_;
  std::string read_only_key_;
};

TEST_F(AuthenticatorTest, AcceptsBearerWithAnyCaseScheme) {
  for (absl::string_view scheme : {"Bearer ", "bearer ", "BEARER "}) {
    absl::StatusOr<Principal> who = Auth(absl::StrCat(scheme, key_));
    ASSERT_TRUE(who.ok()) << who.status();
    EXPECT_EQ(who->integrator_id, "itg_a");
  }
}

TEST_F(AuthenticatorTest, MissingCredentialsCarryRealmAndScope) {
  for (std::optional<absl::string_view> header :
       {std::optional<absl::string_view>(),
        std::optional<absl::string_view>("  ")}) {
    absl::StatusOr<Principal> who = Auth(header);
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated);
    google::rpc::ErrorInfo info = Info(who.status());
    EXPECT_EQ(info.reason(), "MISSING_CREDENTIALS");
    EXPECT_EQ(info.domain(), "auth");
    EXPECT_EQ(info.metadata().at("realm"), "integrator-api");
    EXPECT_EQ(info.metadata().at("scope"), "write:webhook-secret");
  }
}

TEST_F(AuthenticatorTest, BadUnknownAndRevokedKeysAreInvalidToken) {
  const std::string unknown = MintApiKey()->key;
  for (const std::string& header : std::vector<std::string>{
           "Basic abc", "Bearer", "Bearer garbage", "Bearer " + unknown,
           "Bearer " + key_ + "x", "Token " + key_,
           "Bearer " + std::string(5000, 'a')}) {
    absl::StatusOr<Principal> who = Auth(header);
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated)
        << header;
    EXPECT_EQ(Info(who.status()).reason(), "INVALID_TOKEN");
    EXPECT_EQ(who.status().ToString().find("sk_live_"), std::string::npos);
  }
  ASSERT_TRUE(store_.RevokeApiKey(key_.substr(0, 16)).ok());
  EXPECT_EQ(Info(Auth("Bearer " + key_).status()).reason(), "INVALID_TOKEN");
}

TEST_F(AuthenticatorTest, MissingScopeIsPermissionDenied) {
  absl::StatusOr<Principal> who = Auth("Bearer " + read_only_key_);
  EXPECT_EQ(who.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Info(who.status()).reason(), "INSUFFICIENT_SCOPE");
  EXPECT_EQ(Info(who.status()).metadata().at("scope"), "write:webhook-secret");
}

class SignedRequestTest : public AuthenticatorTest {
 protected:
  void SetUp() override {
    AuthenticatorTest::SetUp();
    ASSERT_TRUE(
        store_
            .CreateSigningKey({"int_abc123",
                               "itg_a",
                               {"write:webhook-secret"},
                               {},
                               1,
                               std::nullopt},
                              [&](int64_t version) {
                                return sealer_.Seal(
                                    SealPurpose::kApiSecret,
                                    ApiSecretRowId("itg_a", "int_abc123"),
                                    version, "api-secret");
                              })
            .ok());
  }
  // Through the embedded gateway unless a remote gateway's credential is
  // given.
  CallCredentials Signed(absl::string_view secret, int64_t timestamp_ms,
                         std::optional<absl::string_view> gateway = {}) {
    timestamp_ = std::to_string(timestamp_ms);
    body_hash_ = crypto::Sha256Hex("{}");
    signature_ = absl::StrCat(
        "sha256=",
        absl::BytesToHexString(crypto::HmacSha256(
            secret, StringToSign(timestamp_, "PUT", "/v1/x", body_hash_))));
    CallCredentials c;
    c.integrator_key = "int_abc123";
    c.signature = signature_;
    c.timestamp = timestamp_;
    c.gateway_credential = gateway;
    c.via_embedded_gateway = !gateway.has_value();
    c.gateway_method = "PUT";
    c.gateway_path = "/v1/x";
    c.gateway_body_sha256 = body_hash_;
    return c;
  }
  std::string Reason(const CallCredentials& c) {
    return Info(auth_.Authenticate(c, kScopeWriteWebhookSecret).status())
        .reason();
  }
  static int64_t Now() { return absl::ToUnixMillis(absl::Now()); }

  std::string timestamp_, body_hash_, signature_;
};

TEST_F(SignedRequestTest, AcceptsAValidSignatureAndHandsOverItsUse) {
  const CallCredentials c = Signed("api-secret", Now());
  absl::StatusOr<Principal> who =
      auth_.Authenticate(c, kScopeWriteWebhookSecret);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->integrator_id, "itg_a");
  ASSERT_TRUE(who->signature_use.has_value());
  EXPECT_EQ(who->signature_use->signature_id,
            absl::StrCat("int_abc123:", signature_.substr(7)));
  EXPECT_GT(who->signature_use->expires_at_ms, Now() + 299'000);
  // Spending it twice is what a replay looks like to the store.
  absl::Status first, second;
  store_.RecordSignatureUse(*who->signature_use,
                            [&](absl::Status s) { first = s; });
  store_.RecordSignatureUse(*who->signature_use,
                            [&](absl::Status s) { second = s; });
  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(absl::IsAlreadyExists(second));
  EXPECT_EQ(Info(ReplayedSignatureError(kScopeWriteWebhookSecret)).reason(),
            "REPLAYED_SIGNATURE");
}

TEST_F(SignedRequestTest,
       RefusesWrongSecretStaleTimeUntrustedGatewayAndRevokedKey) {
  EXPECT_EQ(Reason(Signed("wrong", Now())), "INVALID_SIGNATURE");
  EXPECT_EQ(Reason(Signed("api-secret", Now() - 301'000)), "STALE_TIMESTAMP");
  EXPECT_EQ(Reason(Signed("api-secret", Now() + 301'000)), "STALE_TIMESTAMP");
  EXPECT_EQ(Reason(Signed("api-secret", Now(), "forged")), "INVALID_SIGNATURE");
  CallCredentials no_facts = Signed("api-secret", Now());
  no_facts.gateway_path.reset();
  EXPECT_EQ(Reason(no_facts), "INVALID_SIGNATURE");
  CallCredentials unknown = Signed("api-secret", Now());
  unknown.integrator_key = "int_nope";
  EXPECT_EQ(Reason(unknown), "INVALID_TOKEN");
  ASSERT_TRUE(store_.RevokeSigningKey("int_abc123").ok());
  EXPECT_EQ(Reason(Signed("api-secret", Now() - 1)), "INVALID_TOKEN");
}

// A store that cannot be read: credentials cannot be checked.
class UnreadableStore : public MemoryStore {
 public:
  absl::StatusOr<ApiKeyRecord> FindApiKeyByHash(absl::string_view) override {
    return absl::UnavailableError("sqlite: database is locked");
  }
};

TEST(AuthenticatorStoreFailureTest, IsUnavailableNotUnauthenticated) {
  UnreadableStore store;
  SecretSealer sealer{MasterKey(std::string(32, 'k'))};
  Authenticator auth{&store, &sealer};
  const std::string key = MintApiKey()->key;
  const std::string bearer = absl::StrCat("Bearer ", key);
  absl::Status status =
      auth.Authenticate(bearer, kScopeWriteWebhookSecret).status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_EQ(status.message().find("sqlite"), absl::string_view::npos);
  // A remote gateway's own key cannot be checked either.
  CallCredentials signed_request;
  signed_request.integrator_key = "int_abc123";
  signed_request.signature = std::string("sha256=") + std::string(64, 'a');
  signed_request.timestamp = std::to_string(absl::ToUnixMillis(absl::Now()));
  signed_request.gateway_credential = key;
  signed_request.gateway_method = "PUT";
  signed_request.gateway_path = "/v1/x";
  signed_request.gateway_body_sha256 = std::string(64, '0');
  status = auth.Authenticate(signed_request, kScopeWriteWebhookSecret).status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
}

}  // namespace
}  // namespace integrator::auth
