#include "gateway/upstream_caller.h"

#include <grpcpp/generic/generic_stub.h>

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

// How soon a client may try again when the upstream cannot be reached; the
// channel reconnects on its own (see the gateway's channel arguments).
constexpr absl::Duration kUnreachableRetryAfter = absl::Seconds(1);

// A status the upstream sent keeps its own details. One that gRPC made
// because no connection could be had (UNAVAILABLE with no details) tells
// the client when to try again.
absl::Status FromUpstream(const grpc::Status& status) {
  absl::Status converted = integrator::rpc::FromGrpcStatus(status);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      status.error_details().empty()) {
    converted = integrator::rpc::WithRetryInfo(std::move(converted),
                                               kUnreachableRetryAfter);
  }
  return converted;
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace

// Lives until the call completes: gRPC holds pointers into it.
struct UpstreamCaller::CallState {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  Upstream::Done done;
};

UpstreamCaller::UpstreamCaller(std::shared_ptr<grpc::Channel> channel,
                               absl::Duration timeout)
    : channel_(std::move(channel)),
      stub_(std::make_unique<grpc::GenericStub>(channel_)),
      timeout_(timeout) {}

void UpstreamCaller::Call(const std::string& rpc_path, std::string request,
                          const HeaderList& metadata, Done done) const {
  auto state = std::make_shared<CallState>();
  state->done = std::move(done);
  state->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  for (const auto& [key, value] : metadata)
    state->context.AddMetadata(key, value);
  grpc::Slice slice(std::move(request));
  state->request = grpc::ByteBuffer(&slice, 1);
  {
    absl::MutexLock lock(&mu_);
    live_.insert(&state->context);
  }
  stub_->UnaryCall(&state->context, rpc_path, grpc::StubOptions(),
                   &state->request, &state->response,
                   [this, state](grpc::Status status) {
                     std::string response =
                         status.ok() ? Flatten(state->response) : std::string();
                     state->done(FromUpstream(status), std::move(response));
                     absl::MutexLock lock(&mu_);
                     live_.erase(&state->context);
                   });
}

void UpstreamCaller::CancelAllAndWait() {
  absl::MutexLock lock(&mu_);
  for (grpc::ClientContext* context : live_) context->TryCancel();
  mu_.Await(absl::Condition(
      +[](std::set<grpc::ClientContext*>* live) { return live->empty(); },
      &live_));
}

}  // namespace gateway
