// The SSRF guard for webhook delivery: resolve the target host once, refuse
// it when any address is not public, and pin the connection to the address
// that was checked, so that a second DNS answer (DNS rebinding) cannot send
// the request somewhere else.
//
// Contract:
// - CheckWebhookTarget resolves `url.host` with `resolver`. When
//   `allow_private_targets` is false and ANY address is not public unicast
//   (address_policy.h), it is INVALID_ARGUMENT "url resolves to an address
//   that is not public (<kind>)", where <kind> is a fixed name such as
//   "loopback"; neither the URL, the host nor the address is echoed.
//   Otherwise the first address is pinned. No address at all is UNAVAILABLE.
// - SystemResolver uses getaddrinfo (both families, SOCK_STREAM, no
//   AI_ADDRCONFIG) and blocks: call it off any event loop. An IP literal
//   resolves to itself without DNS. Every resolution failure, a name that
//   does not exist included, is UNAVAILABLE "the webhook host does not
//   resolve": NXDOMAIN and a failing resolver cannot be told apart reliably,
//   and both may heal, so callers may retry.
// - The sender must connect only to `address`: put CurlResolveEntry() in
//   CURLOPT_RESOLVE and send `url.url`. libcurl cannot take an IPv6 literal
//   host in CURLOPT_RESOLVE ("[::1]:443:…" is a syntax error), and it never
//   resolves one anyway, so the entry is nullopt for such hosts. Also
//   disable redirects and proxies for the request: both would bypass the pin.
//
// EXAMPLE:
//   SystemResolver resolver;
//   absl::StatusOr<PinnedTarget> target =
//       CheckWebhookTarget(*url, resolver, /*allow_private_targets=*/false);
//   if (!target.ok()) return target.status();
//   curl_slist* resolve = nullptr;
//   if (std::optional<std::string> entry = target->CurlResolveEntry())
//     resolve = curl_slist_append(resolve, entry->c_str());
//   // "hooks.example.com:443:203.0.114.7" or "h.example:443:[2001:db8::1]"
#ifndef INTEGRATOR_SERVER_WEBHOOK_TARGET_GUARD_H_
#define INTEGRATOR_SERVER_WEBHOOK_TARGET_GUARD_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/webhook/ip_address.h"
#include "server/webhook/webhook_url.h"

namespace integrator::webhook {

// Turns a host name into the addresses a TCP client would try, in order.
// An interface so that tests can answer without DNS.
class HostResolver {
 public:
  virtual ~HostResolver() = default;
  virtual absl::StatusOr<std::vector<IpAddress>> Resolve(absl::string_view host,
                                                         int port) const = 0;
};

class SystemResolver final : public HostResolver {
 public:
  absl::StatusOr<std::vector<IpAddress>> Resolve(absl::string_view host,
                                                 int port) const override;
};

struct PinnedTarget {
  WebhookUrl url;
  IpAddress address;

  // "host:port:address" for CURLOPT_RESOLVE, with an IPv6 address in
  // brackets; nullopt when the host is itself an IPv6 literal.
  std::optional<std::string> CurlResolveEntry() const;
};

absl::StatusOr<PinnedTarget> CheckWebhookTarget(const WebhookUrl& url,
                                                const HostResolver& resolver,
                                                bool allow_private_targets);

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_TARGET_GUARD_H_
