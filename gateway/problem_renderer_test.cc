#include "gateway/problem_renderer.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gateway/field_setter.h"
#include "gateway/gateway_error.h"
#include "gateway/http_status_map.h"
#include "gateway_test.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

using integrator::rpc::WithDetail;
using integrator::rpc::WithErrorInfo;
using integrator::rpc::WithFieldViolation;
using integrator::rpc::WithResourceInfo;

constexpr absl::string_view kId = "123e4567-e89b-12d3-a456-426614174000";

google::protobuf::Struct Body(const HttpResponse& r) {
  google::protobuf::Struct doc;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &doc).ok())
      << r.body;
  return doc;
}

std::string Member(const HttpResponse& r, const std::string& name) {
  const auto fields = Body(r).fields();
  auto it = fields.find(name);
  if (it == fields.end()) return "<absent>";
  if (it->second.has_number_value())
    return std::to_string(int(it->second.number_value()));
  if (it->second.has_bool_value())
    return it->second.bool_value() ? "true" : "false";
  return it->second.string_value();
}

std::string HeaderOf(const HttpResponse& r, absl::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(HttpStatusMapTest, FollowsCodeProtoRowByRow) {
  const std::map<absl::StatusCode, int> table = {
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDeadlineExceeded, 504},
  };
  for (const auto& [code, http] : table) {
    EXPECT_EQ(HttpStatusForCode(code), http) << absl::StatusCodeToString(code);
    HttpResponse r = RenderProblem(absl::Status(code, "m"),
                                   {.request_id = kId, .accept = ""});
    EXPECT_EQ(r.status, http);
    EXPECT_EQ(Member(r, "status"), std::to_string(http));
    EXPECT_EQ(Member(r, "title"), std::string(ReasonPhrase(http)));
    EXPECT_EQ(Member(r, "type"), "about:blank");
  }
}

TEST(ProblemRendererTest, ErrorInfoGivesTypeTitleAndMembers) {
  HttpResponse r = RenderProblem(
      WithErrorInfo(absl::UnauthenticatedError("the API key is not valid"),
                    "INVALID_TOKEN", "auth",
                    {{"realm", "integrator-api"},
                     {"scope", "write:webhook-secret"},
                     {"status", "must not override"},
                     {"bad key!", "x"}}),
      {.request_id = kId, .accept = ""});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Member(r, "type"), "urn:problem-type:auth:invalid-token");
  EXPECT_EQ(Member(r, "title"), "Invalid Token");
  EXPECT_EQ(Member(r, "detail"), "the API key is not valid");
  EXPECT_EQ(Member(r, "realm"), "integrator-api");
  EXPECT_EQ(Member(r, "scope"), "write:webhook-secret");
  EXPECT_EQ(Member(r, "status"), "401");
  EXPECT_EQ(Member(r, "bad key!"), "<absent>");
  EXPECT_EQ(Member(r, "instance"), absl::StrCat("urn:uuid:", kId));
  EXPECT_EQ(HeaderOf(r, "content-type"), "application/problem+json");
  EXPECT_EQ(HeaderOf(r, "www-authenticate"),
            "Bearer realm=\"integrator-api\", scope=\"write:webhook-secret\", "
            "error=\"invalid_token\"");
}

TEST(ProblemRendererTest, ChallengeHasNoErrorForMissingCredentials) {
  HttpResponse r = RenderProblem(
      WithErrorInfo(absl::UnauthenticatedError("Bearer token required"),
                    "MISSING_CREDENTIALS", "auth",
                    {{"realm", "r"}, {"scope", "s"}}),
      {.request_id = kId, .accept = ""});
  EXPECT_EQ(HeaderOf(r, "www-authenticate"), "Bearer realm=\"r\", scope=\"s\"");
  HttpResponse forbidden = RenderProblem(
      WithErrorInfo(absl::PermissionDeniedError("no"), "INSUFFICIENT_SCOPE",
                    "auth", {{"realm", "r"}, {"scope", "s"}}),
      {.request_id = kId, .accept = ""});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(HeaderOf(forbidden, "www-authenticate"),
            "Bearer realm=\"r\", scope=\"s\", error=\"insufficient_scope\"");
}

TEST(ProblemRendererTest, ResourceInfoAndBadRequestUseJsonNames) {
  HttpResponse nf = RenderProblem(
      WithResourceInfo(absl::NotFoundError("integrator not found"),
                       "integrator", "itg_9"),
      {.request_id = kId, .accept = ""});
  EXPECT_EQ(Member(nf, "resourceType"), "integrator");
  EXPECT_EQ(Member(nf, "resourceId"), "itg_9");

  HttpResponse bad = RenderProblem(
      WithFieldViolation(absl::InvalidArgumentError("owner_id is required"),
                         "owner_id", "owner_id is required"),
      {.request_id = kId,
       .accept = "",
       .request_type = gwtest::v1::SetSecretRequest::descriptor()});
  EXPECT_EQ(Member(bad, "field"), "ownerId");
  const auto errors = Body(bad).fields().at("errors").list_value();
  ASSERT_EQ(errors.values_size(), 1);
  EXPECT_EQ(errors.values(0).struct_value().fields().at("field").string_value(),
            "ownerId");
}

TEST(ProblemRendererTest, RetryInfoGivesRetryAfter) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(2);
  retry.mutable_retry_delay()->set_nanos(1);
  HttpResponse r = RenderProblem(
      WithDetail(absl::ResourceExhaustedError("slow down"), retry),
      {.request_id = kId, .accept = ""});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(HeaderOf(r, "retry-after"), "3");
  EXPECT_EQ(Member(r, "retryable"), "true");
}

TEST(ProblemRendererTest, ServerErrorsNeverLeakText) {
  for (absl::StatusCode code :
       {absl::StatusCode::kInternal, absl::StatusCode::kUnknown,
        absl::StatusCode::kDataLoss, absl::StatusCode::kUnavailable}) {
    HttpResponse r = RenderProblem(
        WithResourceInfo(
            WithErrorInfo(absl::Status(code, "sqlite: /var/db/x.db: disk I/O"),
                          "DB_FAILED", "store", {{"path", "/var/db"}}),
            "file", "/var/db/x.db"),
        {.request_id = kId, .accept = ""});
    EXPECT_EQ(r.body.find("/var/db"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
    EXPECT_EQ(Member(r, "type"), "about:blank");
  }
}

TEST(ProblemRendererTest, GatewayErrorsKeepTheirStatusAndText) {
  HttpResponse r =
      RenderProblem(GatewayError(413, "PAYLOAD_TOO_LARGE", "too big"),
                    {.request_id = kId, .accept = ""});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Member(r, "type"), "urn:problem-type:gateway:payload-too-large");
  EXPECT_EQ(Member(r, "detail"), "too big");
}

TEST(ProblemRendererTest, PlainJsonOnlyWhenAcceptExcludesProblemJson) {
  auto type_for = [](absl::string_view accept) {
    return HeaderOf(RenderProblem(absl::NotFoundError("x"),
                                  {.request_id = kId, .accept = accept}),
                    "content-type");
  };
  EXPECT_EQ(type_for(""), "application/problem+json");
  EXPECT_EQ(type_for("*/*"), "application/problem+json");
  EXPECT_EQ(type_for("application/problem+json"), "application/problem+json");
  EXPECT_EQ(type_for("application/json, text/plain;q=0.5, */*;q=0.1"),
            "application/problem+json");
  EXPECT_EQ(type_for("application/json"), "application/json");
  EXPECT_EQ(type_for("text/html, application/json"), "application/json");
  EXPECT_EQ(type_for("application/problem+json;q=0, application/json"),
            "application/json");
  EXPECT_EQ(type_for("*/*;q=0, application/json"), "application/json");
}

TEST(ProblemRendererTest, KebabAndJsonPaths) {
  EXPECT_EQ(KebabReason("INVALID_TOKEN"), "invalid-token");
  EXPECT_EQ(KebabReason("lower"), "");
  EXPECT_EQ(JsonFieldPath(gwtest::v1::SetSecretRequest::descriptor(),
                          "limits.max_count"),
            "limits.maxCount");
}

}  // namespace
}  // namespace gateway
