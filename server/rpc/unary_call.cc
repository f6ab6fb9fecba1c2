#include "server/rpc/unary_call.h"

#include "absl/time/clock.h"
#include "proto/rpc/request_id.h"
#include "proto/rpc/status_details.h"
#include "server/rpc/call_log.h"

namespace integrator::rpc {

UnaryCall::UnaryCall(grpc::CallbackServerContext* context,
                     absl::string_view rpc_name)
    : context_(context),
      reactor_(context->DefaultReactor()),
      rpc_name_(rpc_name),
      start_(absl::Now()) {
  request_id_ = RequestIdFrom(Metadata(kRequestIdKey));
  context_->AddInitialMetadata(std::string(kRequestIdKey), request_id_);
}

std::optional<absl::string_view> UnaryCall::Metadata(
    absl::string_view key) const {
  const auto& metadata = context_->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end() || it->second.size() > kMaxMetadataValueBytes) {
    return std::nullopt;
  }
  return absl::string_view(it->second.data(), it->second.size());
}

grpc::ServerUnaryReactor* UnaryCall::Finish(const absl::Status& status) const {
  LogCall(request_id_, rpc_name_, status, start_);
  reactor_->Finish(ToGrpcStatus(status));
  return reactor_;
}

}  // namespace integrator::rpc
