// An IPv4 or IPv6 address as a small value: the family and the address bytes
// in network order. It exists so that the SSRF checks can talk about
// addresses without sockaddr casts or text.
//
// Contract:
// - `family` is AF_INET or AF_INET6 for every value that Parse or
//   FromSockaddr returns. An IPv4 address uses bytes[0..3]; the other bytes
//   are zero. A default-constructed value has family AF_UNSPEC and is
//   neither valid nor public.
// - Parse accepts only the strict literal forms of inet_pton: dotted-quad
//   IPv4 ("127.0.0.1", not "127.1" or "0x7f000001") and IPv6 without
//   brackets or zone id ("::1", "::ffff:10.0.0.1"). Anything else is nullopt.
// - ToString prints with inet_ntop (IPv6 compressed, no brackets); it is ""
//   for a value whose family is neither AF_INET nor AF_INET6.
//
// EXAMPLE:
//   std::optional<IpAddress> address = IpAddress::Parse("2606:4700::1111");
//   if (address.has_value()) LOG(INFO) << address->ToString();
#ifndef INTEGRATOR_SERVER_WEBHOOK_IP_ADDRESS_H_
#define INTEGRATOR_SERVER_WEBHOOK_IP_ADDRESS_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace integrator::webhook {

struct IpAddress {
  int family = AF_UNSPEC;
  std::array<uint8_t, 16> bytes{};

  std::string ToString() const;

  static std::optional<IpAddress> Parse(absl::string_view literal);

  // The address of a sockaddr_in or sockaddr_in6 of `length` bytes (as
  // getaddrinfo or a libcurl socket callback hands it over); nullopt for
  // other families or when `length` is too short for the family.
  static std::optional<IpAddress> FromSockaddr(const struct sockaddr* address,
                                               socklen_t length);

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_IP_ADDRESS_H_
