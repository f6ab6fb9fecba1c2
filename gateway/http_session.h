// One HTTP/1.1 connection of the gateway's server: reading requests within
// the limits, answering them in order, and closing it properly. Internal to
// the HTTP server (see http_server.h for the contract both implement).
//
// Contract: a session lives while its connection does; it registers a closer
// in the shared state so a drain can end it when idle, and it counts itself
// in `open_sessions` (the acceptor has already incremented the count when
// it admits the connection; the session decrements it when it ends). All
// its work runs on its connection's event loop, one thread.
//
// EXAMPLE:
//   StartHttpSession(std::move(socket), state);  // state->open_sessions++
//   first
//   RefuseHttpConnection(std::move(socket), state);  // open_refusals++ first
#ifndef GATEWAY_HTTP_SESSION_H_
#define GATEWAY_HTTP_SESSION_H_

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "gateway/http_server_state.h"

namespace gateway {

void StartHttpSession(boost::asio::ip::tcp::socket socket,
                      std::shared_ptr<HttpServerState> state);

// Answers a connection over the cap with a 503 problem (Retry-After,
// Connection: close) without reading a request, then closes it. The
// acceptor has already incremented `open_refusals`; the refusal decrements
// it when done.
void RefuseHttpConnection(boost::asio::ip::tcp::socket socket,
                          std::shared_ptr<HttpServerState> state);

}  // namespace gateway

#endif  // GATEWAY_HTTP_SESSION_H_
