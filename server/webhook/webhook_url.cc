#include "server/webhook/webhook_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace integrator::webhook {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// One component as curl_url_get reports it. `code` tells a missing part
// (CURLUE_NO_USER, ...) apart from a failure such as running out of memory,
// so that a check for absence can fail closed.
struct UrlPart {
  CURLUcode code;
  std::string value;
};

UrlPart GetPart(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* raw = nullptr;
  const CURLUcode code = curl_url_get(url, part, &raw, flags);
  const std::unique_ptr<char, CurlStringDeleter> owned(raw);
  if (code != CURLUE_OK || owned == nullptr) return {code, ""};
  return {CURLUE_OK, std::string(owned.get())};
}

constexpr absl::string_view kNotPrintableAscii =
    "url must be printable ASCII: no spaces, control characters or raw UTF-8";
constexpr absl::string_view kTooLong = "url is longer than 2048 bytes";
static_assert(kMaxWebhookUrlLength == 2048, "update kTooLong");

// Printable ASCII only. This refuses what libcurl would refuse anyway
// (spaces, control characters) and also NUL, which would cut the C string
// libcurl reads short, and raw non-ASCII, which libcurl would IDN-convert.
bool IsPrintableAscii(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f;
  });
}

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

absl::Status SetUrlError(CURLUcode code, bool allow_http) {
  switch (code) {
    case CURLUE_BAD_SCHEME:
      return Invalid("url is not an absolute URL (it needs https://)");
    case CURLUE_UNSUPPORTED_SCHEME:
      return Invalid(allow_http ? "url must use https or http"
                                : "url must use https");
    case CURLUE_BAD_PORT_NUMBER:
      return Invalid("url port must be between 1 and 65535");
    case CURLUE_NO_HOST:
      return Invalid("url must have a host");
    case CURLUE_OUT_OF_MEMORY:
      return absl::ResourceExhaustedError("out of memory parsing the url");
    default:
      // libcurl's own texts are fixed and short ("Bad hostname"); they never
      // contain the input.
      return Invalid(absl::StrCat("url is not a valid URL (",
                                  curl_url_strerror(code), ")"));
  }
}

absl::Status ReadFailure() {
  return absl::InternalError("could not read the parsed url");
}

// The component must be absent: `absent` is the code libcurl reports then.
// Present is `problem`; any other answer is an internal failure.
absl::Status RequireAbsent(CURLU* url, CURLUPart part, CURLUcode absent,
                           absl::string_view problem) {
  const CURLUcode code = GetPart(url, part).code;
  if (code == absent) return absl::OkStatus();
  if (code == CURLUE_OK) return Invalid(problem);
  return ReadFailure();
}

}  // namespace

absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url,
                                           bool allow_http) {
  if (url.size() > kMaxWebhookUrlLength) {
    return Invalid(kTooLong);
  }
  if (url.empty()) return Invalid("url must not be empty");
  if (!IsPrintableAscii(url)) {
    return Invalid(kNotPrintableAscii);
  }
  // libcurl silently drops an empty fragment ("…/#"), so look for the
  // delimiter itself: '#' cannot appear unencoded anywhere else.
  if (url.find('#') != absl::string_view::npos) {
    return Invalid("url must not have a fragment");
  }

  const CurlUrl handle(curl_url());
  if (handle == nullptr) {
    return absl::ResourceExhaustedError("out of memory parsing the url");
  }
  const std::string text(url);  // libcurl wants a NUL-terminated string.
  if (const CURLUcode code =
          curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0);
      code != CURLUE_OK) {
    return SetUrlError(code, allow_http);
  }

  WebhookUrl result;
  UrlPart scheme = GetPart(handle.get(), CURLUPART_SCHEME);
  if (scheme.code != CURLUE_OK) return ReadFailure();
  if (scheme.value != "https" && !(allow_http && scheme.value == "http")) {
    return Invalid(allow_http ? "url must use https or http"
                              : "url must use https");
  }
  result.scheme = std::move(scheme.value);

  // Parts that must be absent. Present but empty ("https://@host/") counts
  // as present: credentials never travel in the URL. A zone id names an
  // interface of this machine, which means nothing for a remote receiver.
  constexpr absl::string_view kNoCredentials =
      "url must not contain a user name or password";
  const struct {
    CURLUPart part;
    CURLUcode absent;
    absl::string_view problem;
  } kForbiddenParts[] = {
      {CURLUPART_USER, CURLUE_NO_USER, kNoCredentials},
      {CURLUPART_PASSWORD, CURLUE_NO_PASSWORD, kNoCredentials},
      {CURLUPART_OPTIONS, CURLUE_NO_OPTIONS, kNoCredentials},
      {CURLUPART_FRAGMENT, CURLUE_NO_FRAGMENT, "url must not have a fragment"},
      {CURLUPART_ZONEID, CURLUE_NO_ZONEID,
       "url must not contain an IPv6 zone id"},
  };
  for (const auto& forbidden : kForbiddenParts) {
    if (absl::Status status = RequireAbsent(
            handle.get(), forbidden.part, forbidden.absent, forbidden.problem);
        !status.ok()) {
      return status;
    }
  }

  UrlPart host = GetPart(handle.get(), CURLUPART_HOST);
  if (host.code == CURLUE_NO_HOST ||
      (host.code == CURLUE_OK && host.value.empty())) {
    return Invalid("url must have a host");
  }
  if (host.code != CURLUE_OK) return ReadFailure();
  // libcurl prints an IPv6 host as "[::1]"; resolvers and the address
  // parser want the bare literal.
  if (host.value.size() > 2 && host.value.front() == '[' &&
      host.value.back() == ']') {
    host.value = host.value.substr(1, host.value.size() - 2);
  }
  result.host = std::move(host.value);

  const UrlPart port =
      GetPart(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (port.code != CURLUE_OK) return ReadFailure();
  if (!absl::SimpleAtoi(port.value, &result.port) || result.port < 1 ||
      result.port > 65535) {
    return Invalid("url port must be between 1 and 65535");
  }

  UrlPart normalized = GetPart(handle.get(), CURLUPART_URL);
  if (normalized.code != CURLUE_OK) return ReadFailure();
  // Percent-decoding of the host can bring back what the input check
  // refused ("https://%c3%a9.com/" prints as raw UTF-8), and normalisation
  // can lengthen the URL; check the form that will be sent.
  if (!IsPrintableAscii(normalized.value)) {
    return Invalid(kNotPrintableAscii);
  }
  if (normalized.value.size() > kMaxWebhookUrlLength) {
    return Invalid(kTooLong);
  }
  result.url = std::move(normalized.value);
  return result;
}

}  // namespace integrator::webhook
