#include "gateway/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/http_session.h"

namespace gateway {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// Connections over the cap that may be answered 503 at once; beyond these
// (a flood) they are closed without an answer. Within the reserve of
// descriptors that cmd/fd_budget.h keeps.
constexpr int kMaxOpenRefusals = 16;

class BeastHttpServer final : public HttpServer {
 public:
  BeastHttpServer(const HttpServerOptions& options, HttpHandlers handlers)
      : loops_(MakeLoops(options.threads)),
        acceptor_(loops_.front()->context.get_executor()),
        state_(std::make_shared<HttpServerState>()) {
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
    for (auto& loop : loops_) {
      threads_.emplace_back(
          [this, context = &loop->context] { RunLoop(*context); });
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
              +[](HttpServerState* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu) {
                return s->open_sessions == 0;
              },
              state_.get()),
          drain);
    }
    for (auto& loop : loops_) loop->context.stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  // One event loop per thread, each with its own epoll set: a connection
  // lives on one loop for its life, so its reads, handling and writes never
  // wake another thread (a shared io_context hands each event from the
  // thread in epoll_wait to a sleeping one), and need no strand.
  struct Loop {
    Loop() : context(1), keep_running(net::make_work_guard(context)) {}
    net::io_context context;
    net::executor_work_guard<net::io_context::executor_type> keep_running;
  };
  static std::vector<std::unique_ptr<Loop>> MakeLoops(int count) {
    std::vector<std::unique_ptr<Loop>> loops;
    for (int i = 0; i < std::max(1, count); ++i) {
      loops.push_back(std::make_unique<Loop>());
    }
    return loops;
  }

  void RunLoop(net::io_context& context) {
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception& e) {
        // A handler must never take the server down; log and keep serving.
        std::cerr << "http_server: unexpected exception: " << e.what() << "\n";
      }
    }
  }

  void Accept() {
    // New connections go to the loops in turn.
    net::io_context& loop = loops_[next_loop_++ % loops_.size()]->context;
    acceptor_.async_accept(loop, [this](beast::error_code ec,
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
      enum { kServe, kRefuse, kDrop } verdict = kDrop;
      {
        absl::MutexLock lock(&state_->mu);
        if (state_->draining) {
          verdict = kDrop;
        } else if (state_->open_sessions < state_->options.max_connections) {
          ++state_->open_sessions;
          if (state_->options.open_connections != nullptr)
            state_->options.open_connections->Add(1);
          verdict = kServe;
        } else if (state_->open_refusals < kMaxOpenRefusals) {
          ++state_->open_refusals;
          verdict = kRefuse;
        }
      }
      if (verdict == kServe) {
        StartHttpSession(std::move(socket), state_);
      } else if (verdict == kRefuse) {
        RefuseHttpConnection(std::move(socket), state_);
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
      Accept();
    });
  }

  std::vector<std::unique_ptr<Loop>> loops_;
  size_t next_loop_ = 0;  // only the acceptor's loop touches it
  tcp::acceptor acceptor_;
  net::steady_timer accept_backoff_{acceptor_.get_executor()};
  bool accept_error_logged_ = false;
  std::shared_ptr<HttpServerState> state_;
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
