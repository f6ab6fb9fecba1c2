#include "gateway/transcoder.h"

#include "absl/synchronization/mutex.h"
#include "gateway/gateway_test_util.h"
#include "gateway/grpc_invoker.h"
#include "gateway/header_policy.h"
#include "gateway_test.pb.h"
#include "gtest/gtest.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

// Records the call and answers with a fixed status and response.
class FakeUpstream : public Upstream {
 public:
  void Call(const std::string& rpc_path, std::string request,
            const HeaderList& metadata, Done done) const override {
    {
      absl::MutexLock lock(&mu_);
      rpc_path_ = rpc_path;
      request_ = std::move(request);
      metadata_ = metadata;
    }
    done(status_, response_);
  }
  std::string Meta(absl::string_view key) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [k, v] : metadata_) {
      if (k == key) return v;
    }
    return "<absent>";
  }

  absl::Status status_;
  std::string response_;
  mutable absl::Mutex mu_;
  mutable std::string rpc_path_;
  mutable std::string request_;
  mutable HeaderList metadata_;
};

class TranscoderTest : public ::testing::Test {
 protected:
  HttpResponse Run(HttpRequest request) {
    Transcoder transcoder(testing::TestRoutes(),
                          std::make_shared<GrpcInvoker>(upstream_),
                          {.upstream_metadata = {}, .log_requests = false});
    HttpResponse out;
    transcoder.Handle(std::move(request),
                      [&](HttpResponse r) { out = std::move(r); });
    return out;
  }
  static std::string HeaderOf(const HttpResponse& r, absl::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "<absent>";
  }

  std::shared_ptr<FakeUpstream> upstream_ = std::make_shared<FakeUpstream>();
};

TEST_F(TranscoderTest, TranscodesToTheAnnotatedMethod) {
  gwtest::v1::SetSecretResponse response;
  response.set_secret_configured(true);
  upstream_->response_ = response.SerializeAsString();
  HttpResponse r =
      Run({"PUT",
           "/v1/secret",
           {{"content-type", "application/json"},
            {"authorization", "Bearer k"},
            {"x-request-id", "123e4567-e89b-12d3-a456-426614174000"}},
           R"({"secret":"whsec_x"})"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"secretConfigured":true})");
  EXPECT_EQ(HeaderOf(r, "content-type"), "application/json");
  EXPECT_EQ(HeaderOf(r, "x-request-id"),
            "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(upstream_->rpc_path_, "/gwtest.v1.ThingService/SetSecret");
  EXPECT_EQ(upstream_->Meta("authorization"), "Bearer k");
  EXPECT_EQ(upstream_->Meta("x-request-id"),
            "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(upstream_->Meta(std::string(kGatewayMethodKey)), "<absent>");
}

TEST_F(TranscoderTest, SignedRequestsCarryGatewayFactsAndForgeriesAreDropped) {
  HttpResponse r = Run({"POST",
                        "/v1/secret?",
                        {{"content-type", "application/json"},
                         {"x-signature", "sha256=ab"},
                         {"grpc-metadata-x-gateway-http-path", "/forged"}},
                        "{}"});
  EXPECT_EQ(upstream_->Meta(std::string(kGatewayMethodKey)), "POST");
  EXPECT_EQ(upstream_->Meta(std::string(kGatewayPathKey)), "/v1/secret?");
  EXPECT_EQ(upstream_->Meta(std::string(kGatewayBodyHashKey)),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  int path_keys = 0;
  for (const auto& [k, v] : upstream_->metadata_)
    path_keys += k == kGatewayPathKey;
  EXPECT_EQ(path_keys, 1);
}

TEST_F(TranscoderTest, NoRouteWrongMethodAndTrailingSlash) {
  HttpResponse missing = Run({"GET", "/v2/nothing", {}, ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find(R"("resourceType":"route")"), std::string::npos);
  EXPECT_NE(missing.body.find(R"("resourceId":"/v2/nothing")"),
            std::string::npos);
  EXPECT_EQ(Run({"PUT", "/v1/secret/", {}, "{}"}).status, 404);
  HttpResponse wrong = Run({"GET", "/v1/secret", {}, ""});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(HeaderOf(wrong, "allow"), "POST, PUT");
  EXPECT_EQ(Run({"GET", "/v1/th\xffings", {}, ""}).status, 400);
}

TEST_F(TranscoderTest, UpstreamErrorsBecomeProblems) {
  upstream_->status_ = integrator::rpc::WithFieldViolation(
      absl::InvalidArgumentError("owner_id is required"), "owner_id",
      "required");
  HttpResponse r =
      Run({"PUT", "/v1/secret", {{"content-type", "application/json"}}, "{}"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(HeaderOf(r, "content-type"), "application/problem+json");
  EXPECT_NE(r.body.find(R"("field":"ownerId")"), std::string::npos);
  EXPECT_EQ(Run({"PUT", "/v1/secret", {{"authorization", "Bearer \x01"}}, "{}"})
                .status,
            400);
}

TEST_F(TranscoderTest, AnUpstreamResponseThatDoesNotParseIs500) {
  upstream_->response_ = "\xff\xff\xff";
  HttpResponse r =
      Run({"PUT", "/v1/secret", {{"content-type", "application/json"}}, "{}"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(HeaderOf(r, "content-type"), "application/problem+json");
}

}  // namespace
}  // namespace gateway
