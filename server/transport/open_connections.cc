#include "server/transport/open_connections.h"

#include <sys/stat.h>

#include <algorithm>

namespace integrator::transport {

bool OpenConnections::Add(int fd) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return false;
  entries_.push_back({fd, info.st_dev, info.st_ino});
  return true;
}

void OpenConnections::Prune() {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [](const Entry& entry) {
                                  struct stat info {};
                                  return fstat(entry.fd, &info) != 0 ||
                                         info.st_dev != entry.device ||
                                         info.st_ino != entry.inode;
                                }),
                 entries_.end());
}

}  // namespace integrator::transport
