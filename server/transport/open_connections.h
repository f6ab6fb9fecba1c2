// Counts the connections handed over to gRPC that are still open, without
// any notice from gRPC (its external-connection API never says when it
// closes one).
//
// Contract: Add(fd) records a socket by descriptor number and inode right
// after accept. Prune() drops every entry whose descriptor is closed or now
// names another file (fstat fails or the inode differs: the number was
// reused), so a reused number is never mistaken for a live connection.
// Count() is the number of entries, an upper bound on the open connections
// that is exact after Prune(). Not thread-safe: one acceptor thread owns it.
//
// EXAMPLE:
//   OpenConnections open;
//   if (open.Count() >= cap) open.Prune();
//   if (open.Count() < cap) { open.Add(fd); hand_over(fd); }
#ifndef INTEGRATOR_SERVER_TRANSPORT_OPEN_CONNECTIONS_H_
#define INTEGRATOR_SERVER_TRANSPORT_OPEN_CONNECTIONS_H_

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace integrator::transport {

class OpenConnections {
 public:
  // False when `fd` cannot be examined (then it is not recorded).
  bool Add(int fd);
  void Prune();
  size_t Count() const { return entries_.size(); }

 private:
  struct Entry {
    int fd;
    dev_t device;
    ino_t inode;
  };
  std::vector<Entry> entries_;
};

}  // namespace integrator::transport

#endif  // INTEGRATOR_SERVER_TRANSPORT_OPEN_CONNECTIONS_H_
