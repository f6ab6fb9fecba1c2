#include "server/transport/grpc_acceptor.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "proto/rpc/metrics.h"
#include "server/transport/open_connections.h"

namespace integrator::transport {
namespace {

// At the cap, how often the open connections are recounted (each recount is
// one fstat per connection).
constexpr absl::Duration kRecountInterval = absl::Milliseconds(100);

// Closes a descriptor when it goes out of scope, unless released.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool OutOfDescriptors(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS ||
         error == ENOMEM;
}

void SetPort(sockaddr* address, int port) {
  const auto network_port = htons(static_cast<uint16_t>(port));
  if (address->sa_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(address)->sin6_port = network_port;
  } else {
    reinterpret_cast<sockaddr_in*>(address)->sin_port = network_port;
  }
}

// Listens on every address `address` resolves to (the caller owns the
// descriptors); sets `port` to the port bound, the same on all of them. An
// address that cannot be bound is skipped while another one was.
absl::StatusOr<std::vector<int>> ListenOn(const std::string& address,
                                          int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gRPC address must be host:port, got ", address));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string service = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(),
                  &hints, &found) != 0 ||
      found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve the gRPC address ", address));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found,
                                                               &freeaddrinfo);
  std::vector<int> listeners;
  int last_error = 0;
  port = 0;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 a->ai_protocol));
    if (fd.get() < 0) {
      last_error = errno;
      continue;
    }
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (a->ai_family == AF_INET6) {
      // Each family gets its own socket, as gRPC binds them.
      setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    sockaddr_storage bind_to{};
    std::memcpy(&bind_to, a->ai_addr, a->ai_addrlen);
    if (port != 0) SetPort(reinterpret_cast<sockaddr*>(&bind_to), port);
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&bind_to), a->ai_addrlen) !=
            0 ||
        listen(fd.get(), SOMAXCONN) != 0 ||
        getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) !=
            0) {
      last_error = errno;
      continue;
    }
    port = ntohs(bound.ss_family == AF_INET6
                     ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    listeners.push_back(fd.release());
  }
  if (listeners.empty()) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ",
                                               address, ": ",
                                               std::strerror(last_error)));
  }
  return listeners;
}

// Connections by outcome, in the process registry: gRPC never says when it
// closes one, so the open count is kept only as an upper bound inside the
// acceptor, and what is exported is what was accepted and refused.
rpc::Counter& ConnectionsCounter(absl::string_view outcome) {
  static rpc::Family<rpc::Counter>& family = rpc::Metrics().AddCounter(
      "grpc_server_connections_total",
      "gRPC connections accepted, or refused over --grpc_max_connections.",
      {"outcome"});
  return family.WithLabels({outcome});
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcAcceptor>> GrpcAcceptor::Bind(
    const GrpcAcceptorOptions& requested) {
  GrpcAcceptorOptions options = requested;
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("gRPC connection cap must be positive");
  }
  int port = 0;
  absl::StatusOr<std::vector<int>> listen_fds = ListenOn(options.address, port);
  if (!listen_fds.ok()) return listen_fds.status();
  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    for (int fd : *listen_fds) close(fd);
    return absl::ResourceExhaustedError("cannot create the acceptor's pipe");
  }
  return std::make_unique<GrpcAcceptor>(BindTag(), std::move(options),
                                        std::move(*listen_fds), wake[0],
                                        wake[1], port);
}

GrpcAcceptor::GrpcAcceptor(BindTag, GrpcAcceptorOptions options,
                           std::vector<int> listen_fds, int wake_read,
                           int wake_write, int port)
    : options_(std::move(options)),
      listen_fds_(std::move(listen_fds)),
      wake_read_(wake_read),
      wake_write_(wake_write),
      port_(port) {}

GrpcAcceptor::~GrpcAcceptor() {
  Stop();
  close(wake_read_);
  close(wake_write_);
}

void GrpcAcceptor::Register(
    grpc::ServerBuilder& builder,
    std::shared_ptr<grpc::ServerCredentials> credentials) {
  handoff_ = builder.experimental().AddExternalConnectionAcceptor(
      grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
      std::move(credentials));
}

void GrpcAcceptor::Start() {
  thread_ = std::thread([this] { Run(); });
}

void GrpcAcceptor::Stop() {
  if (stopping_.exchange(true)) return;
  const char wake = 1;
  (void)!write(wake_write_, &wake, 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : listen_fds_) close(fd);
  listen_fds_.clear();
}

void GrpcAcceptor::Run() {
  OpenConnections open;
  absl::Time next_recount = absl::InfinitePast();
  bool starved = false;  // out of descriptors: log once per episode
  const auto starve = [&](int error, absl::string_view what) {
    starved_.fetch_add(1);
    if (!starved) {
      std::cerr << "grpc_acceptor: " << what << " failed ("
                << std::strerror(error) << "); retrying every "
                << absl::FormatDuration(options_.backoff) << "\n";
    }
    starved = true;
  };
  std::vector<pollfd> fds;
  for (int fd : listen_fds_) fds.push_back({fd, POLLIN, 0});
  fds.push_back({wake_read_, POLLIN, 0});
  while (!stopping_.load()) {
    // While starved, only the wake pipe is watched, for `backoff`: the
    // listeners stay readable, and polling them would spin.
    for (pollfd& fd : fds) fd.revents = 0;
    const int ready = starved ? poll(&fds.back(), 1,
                                     static_cast<int>(absl::ToInt64Milliseconds(
                                         options_.backoff)))
                              : poll(fds.data(), fds.size(), -1);
    if (stopping_.load()) return;
    if (ready < 0) {
      if (errno != EINTR) {
        // ENOMEM, say, in a flood: never give the listeners up.
        starve(errno, "poll");
        absl::SleepFor(options_.backoff);
      }
      continue;
    }
    bool short_of_descriptors = false;
    bool accepted_any = false;
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      // After a back-off every listener is tried: none was polled.
      if (!starved && (fds[i].revents & POLLIN) == 0) continue;
      const int error = AcceptOne(fds[i].fd, open, next_recount);
      if (error == 0) {
        accepted_any = true;
      } else if (OutOfDescriptors(error)) {
        starve(error, "accept");
        short_of_descriptors = true;
        break;
      }
      // EAGAIN, ECONNABORTED, EINTR: nothing to do.
    }
    if (starved && !short_of_descriptors) {
      if (accepted_any) std::cerr << "grpc_acceptor: accepting again\n";
      starved = false;
    }
  }
}

int GrpcAcceptor::AcceptOne(int listener, OpenConnections& open,
                            absl::Time& next_recount) {
  const int fd =
      accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return errno;
  Fd connection(fd);
  if (open.Count() >= static_cast<size_t>(options_.max_connections) &&
      absl::Now() >= next_recount) {
    open.Prune();
    next_recount = absl::Now() + kRecountInterval;
  }
  if (open.Count() >= static_cast<size_t>(options_.max_connections)) {
    static rpc::Counter& refused = ConnectionsCounter("refused");
    refused.Increment();
    if (refused_.fetch_add(1) % 1000 == 0) {
      std::cerr << "grpc_acceptor: " << options_.max_connections
                << " connections open; closing new ones (" << refused_.load()
                << " so far)\n";
    }
    return 0;  // `connection` closes here
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (!open.Add(fd)) return 0;
  static rpc::Counter& accepted = ConnectionsCounter("accepted");
  accepted.Increment();
  grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters
      params;
  params.listener_fd = listener;
  params.fd = connection.release();
  handoff_->HandleNewConnection(&params);
  accepted_.fetch_add(1);
  return 0;
}

}  // namespace integrator::transport
