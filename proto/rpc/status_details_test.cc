#include "proto/rpc/status_details.h"

#include <grpcpp/support/error_details.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace integrator::rpc {
namespace {

TEST(StatusDetailsTest, PacksEveryDetailIntoTheGrpcStatus) {
  absl::Status status = WithFieldViolation(
      WithResourceInfo(
          WithErrorInfo(absl::NotFoundError("integrator not found"),
                        "INTEGRATOR_NOT_FOUND", "integrator", {{"k", "v"}}),
          "integrator", "itg_x"),
      "integrator_id", "unknown");
  grpc::Status out = ToGrpcStatus(status);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(out.error_message(), "integrator not found");

  google::rpc::Status rpc_status;
  ASSERT_TRUE(grpc::ExtractErrorDetails(out, &rpc_status).ok());
  EXPECT_EQ(rpc_status.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  bool saw_info = false, saw_resource = false, saw_bad_request = false;
  for (const google::protobuf::Any& any : rpc_status.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::ResourceInfo resource;
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&info)) {
      saw_info = info.reason() == "INTEGRATOR_NOT_FOUND" &&
                 info.metadata().at("k") == "v";
    } else if (any.UnpackTo(&resource)) {
      saw_resource = resource.resource_type() == "integrator" &&
                     resource.resource_name() == "itg_x";
    } else if (any.UnpackTo(&bad_request)) {
      saw_bad_request =
          bad_request.field_violations(0).field() == "integrator_id";
    }
  }
  EXPECT_TRUE(saw_info);
  EXPECT_TRUE(saw_resource);
  EXPECT_TRUE(saw_bad_request);
}

TEST(StatusDetailsTest, OkStaysOkAndPlainErrorsHaveNoDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  grpc::Status out = ToGrpcStatus(absl::InternalError("internal error"));
  google::rpc::Status rpc_status;
  ASSERT_TRUE(grpc::ExtractErrorDetails(out, &rpc_status).ok());
  EXPECT_EQ(rpc_status.details_size(), 0);
}

TEST(StatusDetailsTest, RetryInfoCarriesItsDelay) {
  absl::Status status =
      WithRetryInfo(absl::UnavailableError("later"), absl::Milliseconds(1500));
  std::optional<google::rpc::RetryInfo> retry =
      GetDetail<google::rpc::RetryInfo>(status);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 1);
  EXPECT_EQ(retry->retry_delay().nanos(), 500000000);
  EXPECT_EQ(status.message(), "later");
}

}  // namespace
}  // namespace integrator::rpc
