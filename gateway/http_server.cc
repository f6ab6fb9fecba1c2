#include "gateway/http_server.h"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/gateway_error.h"
#include "gateway/http_wire.h"

namespace gateway {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds kLingerTime{1};
// File descriptors kept free for gRPC, SQLite and logs when the connection
// cap is derived from RLIMIT_NOFILE.
constexpr int kReservedFds = 64;

// State the acceptor and all sessions share.
struct ServerState {
  HttpServerOptions options;
  HttpHandlers handlers;
  absl::Mutex mu;
  int open_sessions ABSL_GUARDED_BY(mu) = 0;
  bool draining ABSL_GUARDED_BY(mu) = false;
  // How to close each open session during a drain, by session id.
  std::map<uint64_t, std::function<void()>> closers ABSL_GUARDED_BY(mu);
  uint64_t next_session_id ABSL_GUARDED_BY(mu) = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)),
        state_(std::move(state)),
        deadline_(stream_.get_executor()) {}

  ~Session() {
    absl::MutexLock lock(&state_->mu);
    state_->closers.erase(id_);
    --state_->open_sessions;
  }

  void Start() {
    std::weak_ptr<Session> weak = weak_from_this();
    {
      absl::MutexLock lock(&state_->mu);
      id_ = state_->next_session_id++;
      state_->closers.emplace(id_, [weak] {
        if (auto self = weak.lock()) {
          net::post(self->stream_.get_executor(),
                    [self] { self->CloseIfIdle(); });
        }
      });
    }
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  bool Draining() {
    absl::MutexLock lock(&state_->mu);
    return state_->draining;
  }

  void CloseIfIdle() {
    closing_ = true;
    if (!busy_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
    }
  }

  void ReadHeader() {
    if (closing_ || Draining()) return Close();
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_body_bytes);
    ArmRequestDeadline();
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // The whole request (headers and body) must arrive within
  // header_timeout. A timer of our own, not the stream's: Beast's stream
  // timeout closes the socket, and then the 408 could not be written.
  void ArmRequestDeadline() {
    timed_out_ = false;
    deadline_.expires_after(
        absl::ToChronoNanoseconds(state_->options.header_timeout));
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  // Maps a read error to a response, or to a silent close (nullopt).
  std::optional<absl::Status> ReadError(beast::error_code ec) {
    if (timed_out_ && ec == net::error::operation_aborted) {
      // An idle keep-alive connection simply ends; a partial request is told.
      if (!parser_->got_some()) return std::nullopt;
      return GatewayError(408, "REQUEST_TIMEOUT",
                          "the request was not received in time");
    }
    if (ec == http::error::end_of_stream ||
        ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return std::nullopt;
    }
    if (ec == http::error::header_limit) {
      return GatewayError(
          431, "HEADERS_TOO_LARGE",
          absl::StrCat("the request headers exceed ",
                       state_->options.max_header_bytes, " bytes"));
    }
    if (ec == http::error::body_limit) {
      return GatewayError(
          413, "PAYLOAD_TOO_LARGE",
          absl::StrCat("the request body exceeds ",
                       state_->options.max_body_bytes, " bytes"));
    }
    return GatewayError(400, "MALFORMED_REQUEST",
                        "the HTTP request is malformed");
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return FailRead(ec);
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      interim_ = std::make_unique<http::response<http::empty_body>>(
          http::status::continue_, header.version());
      http::async_write(stream_, *interim_,
                        beast::bind_front_handler(&Session::OnContinueSent,
                                                  shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, std::size_t) {
    interim_.reset();
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec) return FailRead(ec);
    deadline_.cancel();
    BeastRequest message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    HttpRequest request = ToHttpRequest(std::move(message));
    busy_ = true;
    state_->handlers.handle(
        std::move(request), [self = shared_from_this()](HttpResponse response) {
          net::post(self->stream_.get_executor(),
                    [self, response = std::move(response)]() mutable {
                      self->Write(std::move(response));
                    });
        });
  }

  void FailRead(beast::error_code ec) {
    deadline_.cancel();
    std::optional<absl::Status> status = ReadError(ec);
    if (!status.has_value()) return Close();
    // Unread request bytes may follow; close gently so they do not turn
    // into a reset that destroys this response on its way.
    linger_ = true;
    HttpRequest partial;
    if (parser_.has_value() && parser_->is_header_done()) {
      CopyHeaders(parser_->get(), partial.headers);
    }
    keep_alive_ = false;
    version_ = 11;
    busy_ = true;
    Write(state_->handlers.render_error(*status, &partial));
  }

  void Write(HttpResponse response) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(version_);
    message->result(static_cast<unsigned>(response.status));
    for (const auto& [key, value] : response.headers) message->set(key, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_ && !closing_ && !Draining());
    message->prepare_payload();
    stream_.expires_after(
        absl::ToChronoNanoseconds(state_->options.header_timeout));
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec,
                                                           std::size_t) {
                        self->busy_ = false;
                        if (ec) return self->Close();
                        if (!message->keep_alive()) {
                          return self->linger_ ? self->LingeringClose()
                                               : self->Close();
                        }
                        self->ReadHeader();
                      });
  }

  void Close() {
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  // Half-closes, then reads and discards what the client still sends for at
  // most kLingerTime, then closes.
  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    Discard();
  }

  void Discard() {
    stream_.async_read_some(
        net::buffer(discard_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->stream_.close();
          self->Discard();
        });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<http::response<http::empty_body>> interim_;
  net::steady_timer deadline_;
  bool timed_out_ = false;
  bool linger_ = false;
  std::array<char, 4096> discard_{};
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool busy_ = false;
  bool closing_ = false;
  uint64_t id_ = 0;
};

class BeastHttpServer final : public HttpServer {
 public:
  BeastHttpServer(const HttpServerOptions& options, HttpHandlers handlers)
      : ioc_(options.threads),
        acceptor_(net::make_strand(ioc_)),
        state_(std::make_shared<ServerState>()) {
    state_->options = options;
    state_->handlers = std::move(handlers);
  }

  ~BeastHttpServer() override { Shutdown(absl::ZeroDuration()); }

  absl::Status Listen() {
    const std::string& address = state_->options.address;
    const size_t colon = address.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP address must be host:port, got ", address));
    }
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    beast::error_code ec;
    const net::ip::address ip = net::ip::make_address(host, ec);
    if (ec)
      return absl::InvalidArgumentError(absl::StrCat("bad HTTP host: ", host));
    const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ",
                                                 address, ": ", ec.message()));
    }
    port_ = acceptor_.local_endpoint(ec).port();
    Accept();
    for (int i = 0; i < state_->options.threads; ++i) {
      threads_.emplace_back([this] { RunLoop(); });
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration drain) override {
    if (stopped_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    std::vector<std::function<void()>> closers;
    {
      absl::MutexLock lock(&state_->mu);
      state_->draining = true;
      for (const auto& [id, close] : state_->closers) closers.push_back(close);
    }
    for (auto& close : closers) close();
    {
      absl::MutexLock lock(&state_->mu);
      state_->mu.AwaitWithTimeout(
          absl::Condition(
              +[](ServerState* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu) {
                return s->open_sessions == 0;
              },
              state_.get()),
          drain);
    }
    ioc_.stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void RunLoop() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // A handler must never take the server down; log and keep serving.
        std::cerr << "http_server: unexpected exception: " << e.what() << "\n";
      }
    }
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec,
                                                          tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        // Out of descriptors, say: the connection stays in the backlog, so
        // retrying at once would spin. Back off and try again.
        if (!accept_error_logged_) {
          accept_error_logged_ = true;
          std::cerr << "http_server: accept failed: " << ec.message() << "\n";
        }
        accept_backoff_.expires_after(std::chrono::milliseconds(50));
        accept_backoff_.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      bool admit = false;
      {
        absl::MutexLock lock(&state_->mu);
        if (!state_->draining &&
            state_->open_sessions < state_->options.max_connections) {
          ++state_->open_sessions;
          admit = true;
        }
      }
      if (admit) {
        std::make_shared<Session>(std::move(socket), state_)->Start();
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
      Accept();
    });
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_backoff_{acceptor_.get_executor()};
  bool accept_error_logged_ = false;
  std::shared_ptr<ServerState> state_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& requested, HttpHandlers handlers) {
  HttpServerOptions options = requested;
  if (options.threads == 0) {
    options.threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  // Every connection is a descriptor: a cap above the process limit would
  // never be reached, and accept would fail first.
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    // Use what the hard limit allows before deciding the cap is too high.
    if (limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
      getrlimit(RLIMIT_NOFILE, &limit);
    }
  }
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
                      limit.rlim_cur != RLIM_INFINITY &&
                      static_cast<rlim_t>(options.max_connections) >
                          limit.rlim_cur - kReservedFds) {
    options.max_connections =
        static_cast<int>(std::max<rlim_t>(1, limit.rlim_cur - kReservedFds));
    std::cerr << "http_server: --max_connections lowered to "
              << options.max_connections << " by the open-file limit\n";
  }
  if (options.threads < 1 || options.max_connections < 1 ||
      options.max_body_bytes < 1) {
    return absl::InvalidArgumentError(
        "HTTP threads, connections and body limit must be positive");
  }
  auto server = std::make_unique<BeastHttpServer>(options, std::move(handlers));
  if (absl::Status s = server->Listen(); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace gateway
