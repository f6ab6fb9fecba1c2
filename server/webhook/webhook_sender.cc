#include "server/webhook/webhook_sender.h"

#include <sys/socket.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "proto/rpc/version.h"

namespace integrator::webhook {
namespace {

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

bool Append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

// What the callbacks of one attempt share.
struct Attempt {
  const PinnedTarget* target;
  const std::atomic<bool>* abort;
  size_t body_bytes = 0;
  bool capped = false;
  bool refused_address = false;
};

size_t DropBody(char* /*data*/, size_t size, size_t count, void* user) {
  auto* attempt = static_cast<Attempt*>(user);
  attempt->body_bytes += size * count;
  if (attempt->body_bytes > kMaxResponseBodyBytes) {
    attempt->capped = true;
    return 0;  // ends the transfer; the status line was already read
  }
  return size * count;
}

int CheckAbort(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* attempt = static_cast<Attempt*>(user);
  return attempt->abort != nullptr && attempt->abort->load() ? 1 : 0;
}

// The last line of the SSRF guard: whatever libcurl resolved or cached,
// only the address the guard checked is ever connected to.
curl_socket_t OpenPinnedSocket(void* user, curlsocktype purpose,
                               curl_sockaddr* address) {
  auto* attempt = static_cast<Attempt*>(user);
  std::optional<IpAddress> destination =
      IpAddress::FromSockaddr(&address->addr, address->addrlen);
  if (purpose != CURLSOCKTYPE_IPCXN || !destination.has_value() ||
      !(*destination == attempt->target->address)) {
    attempt->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC,
                address->protocol);
}

}  // namespace

WebhookSender::WebhookSender() {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)global;
  easy_.reset(curl_easy_init());
}

SendResult WebhookSender::Send(const PinnedTarget& target,
                               absl::string_view body,
                               const HeaderList& headers,
                               absl::Duration timeout,
                               const std::atomic<bool>* abort) {
  if (easy_ == nullptr) return {0, "the HTTP client could not start"};
  CURL* easy = easy_.get();
  // Options of the previous attempt go; its connections stay for reuse.
  curl_easy_reset(easy);
  Attempt attempt{&target, abort};
  Slist resolve;
  if (std::optional<std::string> entry = target.CurlResolveEntry();
      entry.has_value() && !Append(resolve, *entry)) {
    return {0, "out of memory"};
  }
  Slist header_lines;
  // No 100-continue round trip: receivers answer the whole request.
  if (!Append(header_lines, "Expect:")) return {0, "out of memory"};
  for (const auto& [name, value] : headers) {
    if (!Append(header_lines, absl::StrCat(name, ": ", value))) {
      return {0, "out of memory"};
    }
  }
  const std::string user_agent = absl::StrCat("integrator-api/", kVersion);
  const long timeout_ms = static_cast<long>(
      std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(easy, CURLOPT_URL, target.url.url.c_str());
  curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, OpenPinnedSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &attempt);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_lines.get());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, DropBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &attempt);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, CheckAbort);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &attempt);

  const CURLcode code = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  SendResult result;
  result.status_code = static_cast<int>(status);
  // A body past the cap ended the transfer on purpose: the status counts.
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && attempt.capped)) {
    if (!result.succeeded()) result.error = absl::StrCat("HTTP ", status);
    return result;
  }
  if (attempt.refused_address) {
    result.error = "the connection was not to the checked address";
  } else if (code == CURLE_ABORTED_BY_CALLBACK) {
    result.error = "stopped by a shutdown";
    result.aborted = true;
  } else {
    result.error = curl_easy_strerror(code);
  }
  // A status without the whole response (a timeout mid-body) is a failure.
  if (result.succeeded()) result.status_code = 0;
  return result;
}

}  // namespace integrator::webhook
