#include "server/transport/grpc_acceptor.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/transport/open_connections.h"

namespace integrator::transport {
namespace {

// Descriptors kept for the store, logs, REST and gRPC's own needs when the
// cap is derived from the open-file limit.
constexpr rlim_t kReservedFds = 64;
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

// The listening descriptor (the caller owns it), and its port in `port`.
absl::StatusOr<int> ListenOn(const std::string& address, int& port) {
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
  int last_error = 0;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 a->ai_protocol));
    if (fd.get() < 0) {
      last_error = errno;
      continue;
    }
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 ||
        listen(fd.get(), SOMAXCONN) != 0) {
      last_error = errno;
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) !=
        0) {
      last_error = errno;
      continue;
    }
    port = ntohs(bound.ss_family == AF_INET6
                     ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return fd.release();
  }
  return absl::UnavailableError(absl::StrCat(
      "cannot listen for gRPC on ", address, ": ", std::strerror(last_error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcAcceptor>> GrpcAcceptor::Bind(
    const GrpcAcceptorOptions& requested) {
  GrpcAcceptorOptions options = requested;
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("gRPC connection cap must be positive");
  }
  // A cap above what the process may open would never be reached: accept
  // would fail first, and the REST face would starve with it.
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
                      limit.rlim_cur != RLIM_INFINITY) {
    const rlim_t room = limit.rlim_cur > 2 * kReservedFds
                            ? (limit.rlim_cur - kReservedFds) / 2
                            : 1;
    if (static_cast<rlim_t>(options.max_connections) > room) {
      options.max_connections = static_cast<int>(room);
      std::cerr << "grpc_acceptor: gRPC connection cap lowered to " << room
                << " by the open-file limit\n";
    }
  }
  int port = 0;
  absl::StatusOr<int> listen_fd = ListenOn(options.address, port);
  if (!listen_fd.ok()) return listen_fd.status();
  Fd listener(*listen_fd);
  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::ResourceExhaustedError("cannot create the acceptor's pipe");
  }
  return std::unique_ptr<GrpcAcceptor>(new GrpcAcceptor(
      std::move(options), listener.release(), wake[0], wake[1], port));
}

GrpcAcceptor::GrpcAcceptor(GrpcAcceptorOptions options, int listen_fd,
                           int wake_read, int wake_write, int port)
    : options_(std::move(options)),
      listen_fd_(listen_fd),
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
  close(listen_fd_);
  listen_fd_ = -1;
}

void GrpcAcceptor::Run() {
  OpenConnections open;
  absl::Time next_recount = absl::InfinitePast();
  bool starved = false;  // out of descriptors: log once per episode
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    // While starved, only the wake pipe is watched, for `backoff`: the
    // listener stays readable, and polling it would spin.
    const int ready = starved ? poll(&fds[1], 1,
                                     static_cast<int>(absl::ToInt64Milliseconds(
                                         options_.backoff)))
                              : poll(fds, 2, -1);
    if (ready < 0 && errno != EINTR) {
      std::cerr << "grpc_acceptor: poll failed: " << std::strerror(errno)
                << "\n";
      return;
    }
    if (stopping_.load()) return;
    const int fd =
        accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      if (OutOfDescriptors(error)) {
        starved_.fetch_add(1);
        if (!starved) {
          std::cerr << "grpc_acceptor: accept failed (" << std::strerror(error)
                    << "); retrying every "
                    << absl::FormatDuration(options_.backoff) << "\n";
        }
        starved = true;
      }
      continue;  // EAGAIN, ECONNABORTED, EINTR: nothing to do
    }
    if (starved) {
      std::cerr << "grpc_acceptor: accepting again\n";
      starved = false;
    }
    Fd connection(fd);
    if (open.Count() >= static_cast<size_t>(options_.max_connections) &&
        absl::Now() >= next_recount) {
      open.Prune();
      next_recount = absl::Now() + kRecountInterval;
    }
    if (open.Count() >= static_cast<size_t>(options_.max_connections)) {
      if (refused_.fetch_add(1) % 1000 == 0) {
        std::cerr << "grpc_acceptor: " << options_.max_connections
                  << " connections open; closing new ones (" << refused_.load()
                  << " so far)\n";
      }
      continue;  // `connection` closes here
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (!open.Add(fd)) continue;
    grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters
        params;
    params.listener_fd = listen_fd_;
    params.fd = connection.release();
    handoff_->HandleNewConnection(&params);
    accepted_.fetch_add(1);
  }
}

}  // namespace integrator::transport
