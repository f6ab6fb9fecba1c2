// The target URL of an integrator's webhook, checked and normalised once so
// that the sender, the SSRF guard and libcurl all act on the same URL.
//
// Contract:
// - ParseWebhookUrl parses with libcurl's URL API only (the parser the
//   sender uses), and accepts an absolute URL of at most kMaxWebhookUrlLength
//   bytes whose scheme is https (or http when `allow_http`), with a host, a
//   port in 1..65535, no user name or password, no fragment (not even an
//   empty "#") and no IPv6 zone id.
// - Only printable ASCII is accepted, before and after libcurl's decoding:
//   no spaces, control characters, NUL or raw UTF-8. Non-ASCII hosts are
//   refused rather than IDN-converted, because libcurl would convert them
//   again when it connects and then no longer match the pinned address.
// - Every failure is INVALID_ARGUMENT with a short fixed message (under 100
//   characters) that never contains the URL or any part of it.
// - `url` is libcurl's normalised form (lower-case scheme, "/" for an empty
//   path, IPv4 numbers in dotted-quad form: "https://0x7f000001" becomes
//   "https://127.0.0.1/"); send exactly this URL. `host` is what libcurl
//   will resolve: IPv6 without brackets, percent-decoding applied. `port`
//   is the explicit port or the scheme's default (443, 80).
// - Parsing does not resolve the host; CheckWebhookTarget
//   (target_guard.h) does that and applies the address policy.
//
// EXAMPLE:
//   absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(request.url(), false);
//   if (!url.ok()) return url.status();   // "url must use https", ...
//   // url->url == "https://hooks.example.com/in", url->port == 443
#ifndef INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_URL_H_
#define INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_URL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace integrator::webhook {

inline constexpr size_t kMaxWebhookUrlLength = 2048;

struct WebhookUrl {
  std::string url;     // Normalised, as libcurl's CURLU prints it.
  std::string scheme;  // "https" or "http".
  std::string host;    // IPv6 without brackets.
  int port = 0;        // Explicit, or 443 / 80 by scheme.

  friend bool operator==(const WebhookUrl&, const WebhookUrl&) = default;
};

absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url,
                                           bool allow_http);

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_URL_H_
