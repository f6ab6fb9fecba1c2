// One webhook attempt over HTTP/1.1 with libcurl: POST the exact body bytes
// to a target whose address the SSRF guard already checked.
//
// Contract:
// - The connection goes only to the pinned address (CURLOPT_RESOLVE, and a
//   socket callback that refuses any other address), never through a proxy
//   (environment proxies are ignored), over http or https only, and
//   redirects are never followed (a 3xx is a failure like any non-2xx).
//   TLS certificates are verified.
// - The whole attempt is bounded by `timeout`; at most 64 KiB of the
//   response body is read, then dropped. `abort` (when set) cuts the
//   attempt short, for a shutdown past its drain time.
// - The result is the HTTP status (0 without a response) and, for a
//   failure, a short reason from fixed texts ("HTTP 500", libcurl's generic
//   error names): it never holds the URL, a header or the body.
// One sender per thread: it keeps its libcurl handle, so connections to a
// receiver are reused between attempts.
//
// EXAMPLE:
//   WebhookSender sender;
//   SendResult r = sender.Send(pinned, body, headers, absl::Seconds(10),
//                              &stopping);
//   if (r.succeeded()) ...
#ifndef INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SENDER_H_
#define INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SENDER_H_

#include <curl/curl.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/webhook/target_guard.h"

namespace integrator::webhook {

inline constexpr size_t kMaxResponseBodyBytes = 64 * 1024;

struct SendResult {
  int status_code = 0;
  std::string error;  // empty on success
  // Not a verdict on the receiver (cut short by `abort`, or never sent
  // because the service itself failed): record nothing.
  bool aborted = false;
  bool succeeded() const { return status_code >= 200 && status_code < 300; }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class WebhookSender {
 public:
  WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  SendResult Send(const PinnedTarget& target, absl::string_view body,
                  const HeaderList& headers, absl::Duration timeout,
                  const std::atomic<bool>* abort);

 private:
  struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
  };
  std::unique_ptr<CURL, EasyCleanup> easy_;
};

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SENDER_H_
