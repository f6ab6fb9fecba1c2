// Which IP addresses a webhook may be delivered to: the SSRF address policy.
//
// Contract: an address is acceptable only when it is public unicast, that
// is, outside every range the OWASP SSRF prevention rules and the IANA
// special-purpose registries set aside. Refused:
// - IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
//   192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24,
//   203.0.113/24, 224/4, 240/4 and 255.255.255.255.
// - IPv6: ::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8, 2001:db8::/32,
//   3fff::/20, 100::/64, the whole of 2001::/23 (Teredo 2001::/32 included),
//   the local-use NAT64 prefix 64:ff9b:1::/48, and the deprecated
//   IPv4-compatible ::/96 outright (whatever IPv4 address it embeds).
// - Forms that embed an IPv4 address are judged by that address: IPv4-mapped
//   ::ffff:0:0/96 and NAT64 64:ff9b::/96 (last 32 bits), and 6to4 2002::/16
//   (bits 16..48). So ::ffff:8.8.8.8 is public, ::ffff:127.0.0.1 is not.
// - Every other IPv6 address outside global unicast 2000::/3 is refused.
// A value whose family is neither AF_INET nor AF_INET6 is refused.
//
// EXAMPLE:
//   if (!IsPublicUnicast(address)) return absl::InvalidArgumentError(...);
//   // or, to say why:
//   if (std::optional<absl::string_view> kind = NonPublicAddressKind(address))
//     ... "a " << *kind << " address" ...   // e.g. "loopback"
#ifndef INTEGRATOR_SERVER_WEBHOOK_ADDRESS_POLICY_H_
#define INTEGRATOR_SERVER_WEBHOOK_ADDRESS_POLICY_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "server/webhook/ip_address.h"

namespace integrator::webhook {

// A short lower-case name of the reserved range `address` falls in (for
// example "loopback", "private", "link-local"), or nullopt when the address
// is public unicast. The name is static text, safe to put in an error.
std::optional<absl::string_view> NonPublicAddressKind(const IpAddress& address);

bool IsPublicUnicast(const IpAddress& address);

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_ADDRESS_POLICY_H_
