#include "server/rpc/unary_call.h"

#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "proto/rpc/request_id.h"
#include "proto/rpc/status_details.h"

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
  const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start_);
  // One write per line, so concurrent calls never interleave their logs.
  std::cerr << absl::StrFormat(
      "request_id=%s rpc=%s code=%s latency_ms=%.3f\n", request_id_, rpc_name_,
      absl::StatusCodeToString(status.code()), latency_ms);
  reactor_->Finish(ToGrpcStatus(status));
  return reactor_;
}

}  // namespace integrator::rpc
