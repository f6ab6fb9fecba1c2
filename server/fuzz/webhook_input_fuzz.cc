// Fuzzes everything that reads untrusted webhook input before any store or
// network: the URL parser (libcurl's, with our rules), IP literals and the
// SSRF address policy, event data, delivery page tokens and the retry
// schedule flag. Nothing here resolves a name or opens a connection.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/service/webhook_policy.h"
#include "server/webhook/address_policy.h"
#include "server/webhook/ip_address.h"
#include "server/webhook/retry_schedule.h"
#include "server/webhook/webhook_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (bool allow_http : {false, true}) {
    absl::StatusOr<integrator::webhook::WebhookUrl> url =
        integrator::webhook::ParseWebhookUrl(input, allow_http);
    if (url.ok() && (url->host.empty() || url->port < 1 || url->port > 65535 ||
                     url->url.size() > 4 * 2048)) {
      __builtin_trap();  // the contract of a parsed URL
    }
  }
  if (std::optional<integrator::webhook::IpAddress> address =
          integrator::webhook::IpAddress::Parse(input)) {
    (void)integrator::webhook::NonPublicAddressKind(*address);
    (void)address->ToString();
  }
  integrator::service::ValidateEventData(input).IgnoreError();
  (void)integrator::service::DecodePageToken(input);
  (void)integrator::webhook::RetrySchedule::Parse(input);
  return 0;
}
