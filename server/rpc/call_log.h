// What is recorded of every gRPC call: its one log line (request id, face,
// RPC, code, latency; never the request, its metadata or its secrets), and
// its metrics in the process registry (proto/rpc/metrics.h), named as
// go-grpc-prometheus names them so existing dashboards fit:
//   grpc_server_started_total{grpc_method}
//   grpc_server_handled_total{grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_method}          (histogram)
//   grpc_server_active_calls
// (A REST request's line and metrics are the transcoder's, with its route
// and HTTP status instead.) `grpc_method` is a registered RPC's name, never
// a string a client chose, so the series stay bounded.
//
// Contract: CallStarted() once when the core takes a call, LogCall() once
// when it is answered. The line goes to the process's request log
// (rpc/log_sink.h): lines of concurrent calls never interleave. Thread-safe.
//
// EXAMPLE:
//   CallStarted("UpdateWebhookSecret");
//   LogCall(request_id, "UpdateWebhookSecret", status, start);
//   // request_id=… face=grpc rpc=UpdateWebhookSecret code=OK latency_ms=0.412
#ifndef INTEGRATOR_SERVER_RPC_CALL_LOG_H_
#define INTEGRATOR_SERVER_RPC_CALL_LOG_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace integrator::rpc {

void CallStarted(absl::string_view rpc_name);

void LogCall(absl::string_view request_id, absl::string_view rpc_name,
             const absl::Status& status, absl::Time start);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_CALL_LOG_H_
