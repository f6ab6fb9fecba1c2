#include "server/webhook/target_guard.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/webhook/address_policy.h"

namespace integrator::webhook {
namespace {

struct AddrinfoDeleter {
  void operator()(struct addrinfo* list) const { freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<struct addrinfo, AddrinfoDeleter>;

absl::Status DoesNotResolve() {
  return absl::UnavailableError("the webhook host does not resolve");
}

}  // namespace

absl::StatusOr<std::vector<IpAddress>> SystemResolver::Resolve(
    absl::string_view host, int port) const {
  if (host.empty() || host.find('\0') != absl::string_view::npos) {
    // A NUL would make getaddrinfo resolve a shorter, different name.
    return absl::InvalidArgumentError("the webhook host is not a host name");
  }
  if (port < 1 || port > 65535) {
    return absl::InvalidArgumentError("the webhook port is out of range");
  }
  // A literal needs no lookup: answer it here so that no DNS query (and no
  // reverse lookup) can ever be made for it.
  if (std::optional<IpAddress> literal = IpAddress::Parse(host)) {
    return std::vector<IpAddress>{*literal};
  }

  struct addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;  // No AI_ADDRCONFIG: see every address.
  struct addrinfo* raw = nullptr;
  const int error = getaddrinfo(std::string(host).c_str(),
                                absl::StrCat(port).c_str(), &hints, &raw);
  const AddrinfoList list(raw);
  if (error != 0) return DoesNotResolve();

  std::vector<IpAddress> addresses;
  for (const struct addrinfo* entry = list.get(); entry != nullptr;
       entry = entry->ai_next) {
    std::optional<IpAddress> address =
        IpAddress::FromSockaddr(entry->ai_addr, entry->ai_addrlen);
    // Keep getaddrinfo's order (RFC 6724), drop repeats.
    if (address.has_value() && std::find(addresses.begin(), addresses.end(),
                                         *address) == addresses.end()) {
      addresses.push_back(*address);
    }
  }
  if (addresses.empty()) return DoesNotResolve();
  return addresses;
}

std::optional<std::string> PinnedTarget::CurlResolveEntry() const {
  const std::optional<IpAddress> literal_host = IpAddress::Parse(url.host);
  if (literal_host.has_value() && literal_host->family == AF_INET6) {
    return std::nullopt;
  }
  const std::string pinned = address.ToString();
  if (address.family == AF_INET6) {
    return absl::StrCat(url.host, ":", url.port, ":[", pinned, "]");
  }
  return absl::StrCat(url.host, ":", url.port, ":", pinned);
}

absl::StatusOr<PinnedTarget> CheckWebhookTarget(const WebhookUrl& url,
                                                const HostResolver& resolver,
                                                bool allow_private_targets) {
  absl::StatusOr<std::vector<IpAddress>> addresses =
      resolver.Resolve(url.host, url.port);
  if (!addresses.ok()) return addresses.status();
  if (addresses->empty()) return DoesNotResolve();
  for (const IpAddress& address : *addresses) {
    if (address.family != AF_INET && address.family != AF_INET6) {
      return absl::InternalError("the resolver returned an invalid address");
    }
  }
  if (!allow_private_targets) {
    // All of them, not just the pinned one: a name that also points inside
    // is refused, so that the verdict does not depend on answer order.
    for (const IpAddress& address : *addresses) {
      if (std::optional<absl::string_view> kind =
              NonPublicAddressKind(address)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "url resolves to an address that is not public (", *kind, ")"));
      }
    }
  }
  return PinnedTarget{url, addresses->front()};
}

}  // namespace integrator::webhook
