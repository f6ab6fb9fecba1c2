#include "server/transport/grpc_acceptor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace integrator::transport {
namespace {

// A gRPC server with no services, accepted by a GrpcAcceptor.
struct HealthServer {
  explicit HealthServer(int max_connections) {
    acceptor = *GrpcAcceptor::Bind({.address = "127.0.0.1:0",
                                    .max_connections = max_connections,
                                    .backoff = absl::Milliseconds(20)});
    grpc::ServerBuilder builder;
    acceptor->Register(builder, grpc::InsecureServerCredentials());
    builder.RegisterCallbackGenericService(&no_methods);
    server = builder.BuildAndStart();
    acceptor->Start();
  }
  ~HealthServer() {
    acceptor->Stop();
    server->Shutdown();
  }
  // A new channel completes its HTTP/2 handshake: the connection was
  // accepted and handed to gRPC.
  bool Healthy() const {
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", acceptor->port()),
                            grpc::InsecureChannelCredentials());
    return channel->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::seconds(5));
  }
  grpc::CallbackGenericService no_methods;
  std::unique_ptr<GrpcAcceptor> acceptor;
  std::unique_ptr<grpc::Server> server;
};

int ConnectTo(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  return fd;
}

bool WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

TEST(GrpcAcceptor, CapsOpenConnectionsAndCountsThemDownAsGrpcClosesThem) {
  HealthServer server(/*max_connections=*/2);
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i)
    clients.push_back(ConnectTo(server.acceptor->port()));
  EXPECT_TRUE(WaitFor([&] {
    return server.acceptor->accepted() == 2 &&
           server.acceptor->refused_over_cap() == 1;
  }));
  // gRPC closes its side when the clients go; the cap then has room again.
  for (int fd : clients) close(fd);
  absl::SleepFor(absl::Milliseconds(200));
  const int again = ConnectTo(server.acceptor->port());
  EXPECT_TRUE(WaitFor([&] { return server.acceptor->accepted() == 3; }));
  EXPECT_EQ(server.acceptor->refused_over_cap(), 1);
  close(again);
}

TEST(GrpcAcceptor, KeepsAcceptingAfterDescriptorsRanOut) {
  HealthServer server(/*max_connections=*/100);
  ASSERT_TRUE(server.Healthy());
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  const int64_t accepted_before = server.acceptor->accepted();
  // Fill the descriptor table up to a low limit, so the pending connection
  // cannot be accepted.
  rlimit low = saved;
  low.rlim_cur = 512;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> filler;
  for (int fd; (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
    filler.push_back(fd);
  }
  const int64_t starved_before = server.acceptor->out_of_descriptors();
  // gRPC's own threads open and close descriptors too, so the acceptor may
  // now and then find one free: try again until it starves.
  std::vector<int> late;
  for (int attempt = 0; attempt < 5; ++attempt) {
    close(filler.back());  // room for one client socket, none for accept
    filler.pop_back();
    late.push_back(ConnectTo(server.acceptor->port()));
    for (int fd; (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
      filler.push_back(fd);
    }
    if (WaitFor([&] {
          return server.acceptor->out_of_descriptors() > starved_before;
        })) {
      break;
    }
  }
  EXPECT_GT(server.acceptor->out_of_descriptors(), starved_before);
  for (int fd : filler) close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  // The listener was never given up: the waiting connection is taken.
  EXPECT_TRUE(WaitFor(
      [&] { return server.acceptor->accepted() >= accepted_before + 1; }));
  EXPECT_TRUE(server.Healthy());
  for (int fd : late) close(fd);
}

}  // namespace
}  // namespace integrator::transport
