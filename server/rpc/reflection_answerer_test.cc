#include "server/rpc/reflection_answerer.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "integrator/v1/integrator.pb.h"

namespace integrator::rpc {
namespace {

using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

std::vector<google::protobuf::FileDescriptorProto> Files(
    const ServerReflectionResponse& response) {
  std::vector<google::protobuf::FileDescriptorProto> files;
  for (const std::string& bytes :
       response.file_descriptor_response().file_descriptor_proto()) {
    files.emplace_back();
    EXPECT_TRUE(files.back().ParseFromString(bytes));
  }
  return files;
}

void ExpectJsonNames(const google::protobuf::DescriptorProto& message) {
  for (const auto& field : message.field()) {
    EXPECT_TRUE(field.has_json_name()) << message.name() << "." << field.name();
  }
  for (const auto& nested : message.nested_type()) ExpectJsonNames(nested);
}

class ReflectionAnswererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Link the files the tests ask for into the generated pool.
    (void)v1::UpdateWebhookSecretRequest::descriptor();
    (void)google::rpc::ErrorInfo::descriptor();
  }
  ServerReflectionResponse AskSymbol(absl::string_view symbol) {
    ServerReflectionRequest request;
    request.set_host("localhost");
    request.set_file_containing_symbol(std::string(symbol));
    return answerer_.Answer(request);
  }

  std::vector<std::string> services_ = {"integrator.v1.IntegratorService",
                                        "grpc.health.v1.Health"};
  ReflectionAnswerer answerer_{
      google::protobuf::DescriptorPool::generated_pool(), &services_};
};

TEST_F(ReflectionAnswererTest, AnswersTheAskedFileFirstWithJsonNames) {
  ServerReflectionResponse response =
      AskSymbol("integrator.v1.IntegratorService");
  EXPECT_EQ(response.valid_host(), "localhost");
  EXPECT_EQ(response.original_request().file_containing_symbol(),
            "integrator.v1.IntegratorService");
  std::vector<google::protobuf::FileDescriptorProto> files = Files(response);
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name(), "integrator/v1/integrator.proto");
  std::set<std::string> names;
  for (const auto& file : files) {
    EXPECT_TRUE(names.insert(file.name()).second) << file.name() << " twice";
    for (const auto& message : file.message_type()) ExpectJsonNames(message);
  }
  EXPECT_TRUE(names.contains("google/api/annotations.proto"));
  bool found = false;
  for (const auto& message : files[0].message_type()) {
    for (const auto& field : message.field()) {
      if (field.name() == "secret_configured") {
        EXPECT_EQ(field.json_name(), "secretConfigured");
        found = true;
      }
    }
  }
  EXPECT_TRUE(found);
}

// gRPC issue 18009: the C++ service repeated earlier files before the one
// asked for, and grpcurl took the first.
TEST_F(ReflectionAnswererTest, NeverRepeatsAFileOnOneStream) {
  std::set<std::string> sent;
  for (const auto& file : Files(AskSymbol("integrator.v1.IntegratorService"))) {
    sent.insert(file.name());
  }
  std::vector<google::protobuf::FileDescriptorProto> files =
      Files(AskSymbol("google.rpc.ErrorInfo"));
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name(), "google/rpc/error_details.proto");
  for (size_t i = 1; i < files.size(); ++i) {
    EXPECT_FALSE(sent.contains(files[i].name())) << files[i].name();
  }
  // Asked again, the file itself comes back, and nothing else.
  files = Files(AskSymbol("google.rpc.ErrorInfo"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name(), "google/rpc/error_details.proto");
}

TEST_F(ReflectionAnswererTest, UnknownNamesAreNotFound) {
  ServerReflectionResponse response = AskSymbol("no.such.Symbol");
  EXPECT_EQ(response.error_response().error_code(),
            static_cast<int>(absl::StatusCode::kNotFound));
  ServerReflectionRequest request;
  request.set_file_by_filename("no/such.proto");
  EXPECT_EQ(answerer_.Answer(request).error_response().error_code(),
            static_cast<int>(absl::StatusCode::kNotFound));
  request.set_all_extension_numbers_of_type("no.such.Type");
  EXPECT_EQ(answerer_.Answer(request).error_response().error_code(),
            static_cast<int>(absl::StatusCode::kNotFound));
  request.Clear();
  EXPECT_EQ(answerer_.Answer(request).error_response().error_code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
}

TEST_F(ReflectionAnswererTest, ListsServicesAndFindsFilesAndExtensions) {
  ServerReflectionRequest request;
  request.set_list_services("*");
  ServerReflectionResponse response = answerer_.Answer(request);
  ASSERT_EQ(response.list_services_response().service_size(), 2);
  EXPECT_EQ(response.list_services_response().service(0).name(),
            "integrator.v1.IntegratorService");

  request.set_file_by_filename("integrator/v1/integrator.proto");
  EXPECT_EQ(Files(answerer_.Answer(request))[0].name(),
            "integrator/v1/integrator.proto");

  // google.api.http extends MethodOptions with field 72295728.
  request.set_all_extension_numbers_of_type("google.protobuf.MethodOptions");
  response = answerer_.Answer(request);
  EXPECT_EQ(response.all_extension_numbers_response().base_type_name(),
            "google.protobuf.MethodOptions");
  const auto& numbers =
      response.all_extension_numbers_response().extension_number();
  EXPECT_NE(std::find(numbers.begin(), numbers.end(), 72295728), numbers.end());

  auto* extension = request.mutable_file_containing_extension();
  extension->set_containing_type("google.protobuf.MethodOptions");
  extension->set_extension_number(72295728);
  EXPECT_EQ(Files(answerer_.Answer(request))[0].name(),
            "google/api/annotations.proto");
  extension->set_extension_number(1);
  EXPECT_EQ(answerer_.Answer(request).error_response().error_code(),
            static_cast<int>(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace integrator::rpc
