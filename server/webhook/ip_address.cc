#include "server/webhook/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace integrator::webhook {

std::string IpAddress::ToString() const {
  if (family != AF_INET && family != AF_INET6) return "";
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes.data(), text, sizeof(text)) == nullptr) {
    return "";
  }
  return text;
}

std::optional<IpAddress> IpAddress::Parse(absl::string_view literal) {
  // inet_pton reads a C string: an embedded NUL would let "1.2.3.4\0junk"
  // pass as 1.2.3.4, and the longest literal is INET6_ADDRSTRLEN - 1 chars.
  char text[INET6_ADDRSTRLEN] = {};
  if (literal.empty() || literal.size() >= sizeof(text) ||
      literal.find('\0') != absl::string_view::npos) {
    return std::nullopt;
  }
  std::memcpy(text, literal.data(), literal.size());
  IpAddress address;
  if (inet_pton(AF_INET, text, address.bytes.data()) == 1) {
    address.family = AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, text, address.bytes.data()) == 1) {
    address.family = AF_INET6;
    return address;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const struct sockaddr* address,
                                                 socklen_t length) {
  if (address == nullptr) return std::nullopt;
  IpAddress result;
  // memcpy instead of casting to sockaddr_in*: the caller's buffer may be a
  // plain sockaddr whose alignment and type the cast would assume.
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    struct sockaddr_in v4;
    std::memcpy(&v4, address, sizeof(v4));
    result.family = AF_INET;
    std::memcpy(result.bytes.data(), &v4.sin_addr, sizeof(v4.sin_addr));
    return result;
  }
  if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    struct sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof(v6));
    result.family = AF_INET6;
    std::memcpy(result.bytes.data(), &v6.sin6_addr, sizeof(v6.sin6_addr));
    return result;
  }
  return std::nullopt;
}

}  // namespace integrator::webhook
