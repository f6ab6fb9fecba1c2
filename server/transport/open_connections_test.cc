#include "server/transport/open_connections.h"

#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "gtest/gtest.h"

namespace integrator::transport {
namespace {

TEST(OpenConnections, PruneDropsClosedAndReusedDescriptors) {
  int first[2];
  int second[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, first), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, second), 0);
  OpenConnections open;
  ASSERT_TRUE(open.Add(first[0]));
  ASSERT_TRUE(open.Add(second[0]));
  open.Prune();
  EXPECT_EQ(open.Count(), 2u);

  close(first[0]);
  open.Prune();
  EXPECT_EQ(open.Count(), 1u);

  // second[0]'s number now names another socket: not the recorded one.
  const int number = second[0];
  close(second[0]);
  int reused[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, reused), 0);
  if (reused[0] != number) {
    ASSERT_EQ(dup2(reused[0], number), number);
  }
  open.Prune();
  EXPECT_EQ(open.Count(), 0u);

  EXPECT_FALSE(open.Add(-1));
  for (int fd :
       std::set<int>{first[1], second[1], reused[0], reused[1], number})
    close(fd);
}

}  // namespace
}  // namespace integrator::transport
