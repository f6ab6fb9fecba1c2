// The one log line of a gRPC call: request id, face, RPC, code, latency.
// Never the request, its metadata or its secrets. (A REST request's line is
// the transcoder's, with its route and HTTP status instead.)
//
// Contract: the line goes to the process's request log (rpc/log_sink.h):
// lines of concurrent calls never interleave. Thread-safe.
//
// EXAMPLE:
//   LogCall(request_id, "UpdateWebhookSecret", status, start);
//   // request_id=… face=grpc rpc=UpdateWebhookSecret code=OK latency_ms=0.412
#ifndef INTEGRATOR_SERVER_RPC_CALL_LOG_H_
#define INTEGRATOR_SERVER_RPC_CALL_LOG_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace integrator::rpc {

void LogCall(absl::string_view request_id, absl::string_view rpc_name,
             const absl::Status& status, absl::Time start);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_CALL_LOG_H_
