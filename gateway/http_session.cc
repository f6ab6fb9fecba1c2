#include "gateway/http_session.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"
#include "gateway/gateway_error.h"
#include "gateway/http_wire.h"
#include "google/rpc/error_details.pb.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds kLingerTime{1};
constexpr absl::Duration kRefusalRetryAfter = absl::Seconds(1);

google::rpc::RetryInfo RetryAfter(absl::Duration delay) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  return retry;
}
// Room beyond the header block for what the parser must hold whole and no
// limit of its own covers: a chunk-size line with its extensions, trailers.
constexpr std::size_t kLineAllowance = 4096;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServerState> state)
      : stream_(std::move(socket)),
        state_(std::move(state)),
        buffer_(state_->options.max_header_bytes + kLineAllowance),
        deadline_(stream_.get_executor()) {}

  ~Session() {
    absl::MutexLock lock(&state_->mu);
    if (refusal_) {
      --state_->open_refusals;
      return;
    }
    state_->closers.erase(id_);
    --state_->open_sessions;
    if (state_->options.open_connections != nullptr)
      state_->options.open_connections->Add(-1);
  }

  // Answers 503 with Retry-After and closes, reading no request.
  void Refuse() {
    refusal_ = true;
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->busy_ = true;
      self->FailWith(integrator::rpc::WithDetail(
          GatewayError(503, "TOO_MANY_CONNECTIONS",
                       "the server has too many open connections; retry "
                       "shortly"),
          RetryAfter(kRefusalRetryAfter)));
    });
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
    if (absl::Status framing = CheckRequestFraming(header); !framing.ok()) {
      deadline_.cancel();
      return FailWith(framing);
    }
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
    absl::StatusOr<HttpRequest> request = ToHttpRequest(std::move(message));
    if (!request.ok()) {
      // The message was read whole, so the connection could go on; closing
      // it is simpler and a client that sends a bad target is not served.
      return FailWith(request.status());
    }
    busy_ = true;
    state_->handlers.handle(std::move(*request), [self = shared_from_this()](
                                                     HttpResponse response) {
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
    FailWith(*status);
  }

  // Answers `status` and closes the connection: after a framing or read
  // error the rest of the bytes cannot be trusted to start a request.
  void FailWith(const absl::Status& status) {
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
    Write(state_->handlers.render_error(status, &partial));
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
                        // The write's expiry would otherwise carry over to
                        // the next read and close the socket before our own
                        // deadline could answer 408.
                        self->stream_.expires_never();
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
  std::shared_ptr<HttpServerState> state_;
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
  bool refusal_ = false;
  uint64_t id_ = 0;
};

}  // namespace

void StartHttpSession(tcp::socket socket,
                      std::shared_ptr<HttpServerState> state) {
  std::make_shared<Session>(std::move(socket), std::move(state))->Start();
}

void RefuseHttpConnection(tcp::socket socket,
                          std::shared_ptr<HttpServerState> state) {
  std::make_shared<Session>(std::move(socket), std::move(state))->Refuse();
}

}  // namespace gateway
