#include "server/rpc/unary_dispatcher.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "integrator/v1/integrator.grpc.pb.h"
#include "proto/rpc/request_id.h"
#include "server/auth/api_key.h"
#include "server/auth/authenticator.h"
#include "server/auth/scopes.h"
#include "server/core/integrator_core.h"
#include "server/core/method_registry.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/memory_store.h"

namespace integrator::rpc {
namespace {

constexpr char kIntegratorId[] = "itg_dispatcher";

// The core on a memory store, served by a dispatcher on a loopback port.
class UnaryDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.CreateIntegrator({kIntegratorId, "test", 0}).ok());
    absl::StatusOr<auth::NewApiKey> key = auth::MintApiKey();
    ASSERT_TRUE(key.ok());
    key_ = key->key;
    ASSERT_TRUE(store_
                    .CreateApiKey(auth::ApiKeyRecordFor(
                        *key, kIntegratorId, "",
                        {std::string(auth::kScopeWriteWebhookSecret)}))
                    .ok());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    ASSERT_TRUE(dispatcher_.Register(builder).ok());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    dispatcher_.Start();
    stub_ = v1::IntegratorService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override { StopServer(); }

  void StopServer() {
    if (server_ == nullptr) return;
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(2));
    dispatcher_.Stop();
    server_->Wait();
    server_.reset();
  }

  grpc::Status Update(absl::string_view secret, bool with_key,
                      grpc::ClientContext* context) {
    if (with_key) context->AddMetadata("authorization", "Bearer " + key_);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    v1::UpdateWebhookSecretRequest request;
    request.set_secret(std::string(secret));
    v1::UpdateWebhookSecretResponse response;
    grpc::Status status =
        stub_->UpdateWebhookSecret(context, request, &response);
    if (status.ok()) {
      EXPECT_TRUE(response.secret_configured());
    }
    return status;
  }

  MemoryStore store_;
  SecretSealer sealer_{MasterKey(std::string(32, '\7'))};
  auth::Authenticator authenticator_{&store_, &sealer_};
  core::IntegratorCore core_{&store_, &sealer_, &authenticator_};
  core::CallPipeline pipeline_{&store_, &authenticator_};
  core::WebhookCore webhooks_{&store_, &pipeline_, {}};
  core::MethodRegistry methods_{&core_, &webhooks_};
  UnaryDispatcher dispatcher_{&methods_, 2};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IntegratorService::Stub> stub_;
  std::string key_;
  int port_ = 0;
};

TEST_F(UnaryDispatcherTest, ServesTheRegistrysServices) {
  EXPECT_EQ(dispatcher_.ServiceNames(),
            (std::vector<std::string>{"integrator.v1.IntegratorService",
                                      "integrator.v1.WebhookEventService",
                                      "integrator.v1.OperatorService"}));
}

TEST_F(UnaryDispatcherTest, AnswersWithTheCoresStatusAndARequestId) {
  grpc::ClientContext ok_context;
  const std::string request_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  ok_context.AddMetadata("x-request-id", request_id);
  ASSERT_TRUE(Update("whsec_dispatched", true, &ok_context).ok());
  auto echoed = ok_context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ok_context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()),
            request_id);
  EXPECT_EQ(store_.Stats().updates, 1u);

  grpc::ClientContext denied_context;
  grpc::Status denied = Update("whsec_denied", false, &denied_context);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(denied.error_details().empty()) << "ErrorInfo travels";
  auto fresh_id =
      denied_context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(fresh_id, denied_context.GetServerInitialMetadata().end());
  EXPECT_TRUE(IsCanonicalUuid(
      absl::string_view(fresh_id->second.data(), fresh_id->second.size())));
  EXPECT_EQ(store_.Stats().updates, 1u);
}

TEST_F(UnaryDispatcherTest, EveryConcurrentCallIsAnswered) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        grpc::ClientContext context;
        if (!Update("whsec_concurrent", true, &context).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_.Stats().updates, uint64_t{kThreads * kCalls});
}

// Shutting down under load: calls already in the core are answered, later
// ones are refused, and nothing is touched after its queue shuts (ASan and
// gRPC's own assertions watch that in the sanitizer build).
TEST_F(UnaryDispatcherTest, StopsCleanlyWithCallsInFlight) {
  std::atomic<bool> running{true};
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (running) {
        grpc::ClientContext context;
        if (Update("whsec_in_flight", true, &context).ok()) ++answered;
      }
    });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (answered.load() < 20 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  StopServer();
  running = false;
  for (std::thread& thread : threads) thread.join();
  EXPECT_GE(answered.load(), 20);
  // A call the deadline cancelled may still have committed.
  EXPECT_GE(store_.Stats().updates, static_cast<uint64_t>(answered.load()));
}

}  // namespace
}  // namespace integrator::rpc
