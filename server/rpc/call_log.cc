#include "server/rpc/call_log.h"

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "proto/rpc/log_sink.h"

namespace integrator::rpc {

void LogCall(absl::string_view request_id, absl::string_view rpc_name,
             const absl::Status& status, absl::Time start) {
  RequestLog().Write(absl::StrFormat(
      "request_id=%s face=grpc rpc=%s code=%s latency_ms=%.3f", request_id,
      rpc_name, absl::StatusCodeToString(status.code()),
      absl::ToDoubleMilliseconds(absl::Now() - start)));
}

}  // namespace integrator::rpc
