// What the HTTP server's acceptor and all of its sessions share: the
// options and handlers, the count of open connections against the cap, and
// how to close each session when the server drains. Internal to the HTTP
// server (http_server.cc and http_session.cc).
//
// Contract: every counted field is guarded by `mu`; the acceptor counts a
// connection in before a session or a refusal starts, and that session or
// refusal counts it out when it ends. Shared by shared_ptr, so it outlives
// the last session even when the server object is gone.
//
// EXAMPLE:
//   auto state = std::make_shared<HttpServerState>();
//   state->options = options;
//   { absl::MutexLock lock(&state->mu); ++state->open_sessions; }
//   StartHttpSession(std::move(socket), state);
#ifndef GATEWAY_HTTP_SERVER_STATE_H_
#define GATEWAY_HTTP_SERVER_STATE_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/http_server.h"

namespace gateway {

// State the acceptor and all sessions share.
struct HttpServerState {
  HttpServerOptions options;
  HttpHandlers handlers;
  absl::Mutex mu;
  int open_sessions ABSL_GUARDED_BY(mu) = 0;
  // Connections over the cap that are being told so (a 503), not served.
  int open_refusals ABSL_GUARDED_BY(mu) = 0;
  bool draining ABSL_GUARDED_BY(mu) = false;
  // How to close each open session during a drain, by session id.
  std::map<uint64_t, std::function<void()>> closers ABSL_GUARDED_BY(mu);
  uint64_t next_session_id ABSL_GUARDED_BY(mu) = 0;
};

}  // namespace gateway

#endif  // GATEWAY_HTTP_SERVER_STATE_H_
