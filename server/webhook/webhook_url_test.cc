#include "server/webhook/webhook_url.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

// Every refusal is INVALID_ARGUMENT, short, and never repeats the URL: each
// test URL carries this marker, so an echo of any part of it shows up.
constexpr absl::string_view kMarker = "zq9marker";

void ExpectRefused(absl::string_view url, absl::string_view message_part,
                   bool allow_http = false) {
  const absl::StatusOr<WebhookUrl> parsed = ParseWebhookUrl(url, allow_http);
  ASSERT_FALSE(parsed.ok()) << url;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << url;
  const absl::string_view message = parsed.status().message();
  EXPECT_TRUE(absl::StrContains(message, message_part))
      << url << " -> " << message;
  EXPECT_LE(message.size(), 100u) << message;
  EXPECT_FALSE(absl::StrContains(message, kMarker)) << message;
}

WebhookUrl Parsed(absl::string_view url, bool allow_http = false) {
  absl::StatusOr<WebhookUrl> parsed = ParseWebhookUrl(url, allow_http);
  EXPECT_TRUE(parsed.ok()) << url << " -> " << parsed.status();
  return parsed.value_or(WebhookUrl{});
}

TEST(WebhookUrlTest, AcceptsHttpsAndNormalises) {
  const WebhookUrl url = Parsed("HTTPS://Hooks.Example.com?x=1&y=%20");
  EXPECT_EQ(url.url, "https://Hooks.Example.com/?x=1&y=%20");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "Hooks.Example.com");
  EXPECT_EQ(url.port, 443);
}

TEST(WebhookUrlTest, KeepsExplicitPortAndPath) {
  const WebhookUrl url = Parsed("https://hooks.example.com:8443/in/v1?a=b");
  EXPECT_EQ(url.url, "https://hooks.example.com:8443/in/v1?a=b");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(Parsed("https://h.example:1/").port, 1);
  EXPECT_EQ(Parsed("https://h.example:65535/").port, 65535);
}

TEST(WebhookUrlTest, HttpOnlyWhenAllowed) {
  ExpectRefused("http://zq9marker.example/", "url must use https");
  const WebhookUrl url = Parsed("http://h.example/in", /*allow_http=*/true);
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.url, "http://h.example/in");
}

TEST(WebhookUrlTest, RefusesOtherSchemes) {
  for (absl::string_view url :
       {"ftp://zq9marker.example/", "file:///etc/zq9marker",
        "gopher://x/zq9marker", "ws://zq9marker.example/",
        "dict://zq9marker.example:11211/"}) {
    ExpectRefused(url, "url must use https", /*allow_http=*/true);
  }
  // Schemes libcurl does not know at all.
  ExpectRefused("javascript://zq9marker/", "url must use https");
  ExpectRefused("zq9marker://host/", "url must use https");
}

TEST(WebhookUrlTest, RefusesRelativeUrls) {
  for (absl::string_view url : {"zq9marker.example/x", "/zq9marker",
                                "//zq9marker/x", "zq9marker", "?zq9marker"}) {
    ExpectRefused(url, "url is not an absolute URL");
  }
  ExpectRefused("", "url must not be empty");
}

TEST(WebhookUrlTest, RefusesMissingHost) {
  ExpectRefused("https://", "host");
  ExpectRefused("https://:443/zq9marker", "");
}

TEST(WebhookUrlTest, RefusesUserInfo) {
  for (absl::string_view url :
       {"https://zq9marker@h.example/", "https://u:zq9marker@h.example/",
        "https://:zq9marker@h.example/", "https://@h.example/zq9marker",
        "https://:@h.example/zq9marker"}) {
    ExpectRefused(url, "url must not contain a user name or password");
  }
  // '@' in the path or query is no user info.
  EXPECT_EQ(Parsed("https://h.example/a@b?c=d@e").host, "h.example");
}

TEST(WebhookUrlTest, RefusesFragments) {
  for (absl::string_view url :
       {"https://h.example/#zq9marker", "https://h.example/zq9marker#",
        "https://h.example#zq9marker", "https://h.example/?q=zq9marker#x"}) {
    ExpectRefused(url, "url must not have a fragment");
  }
}

TEST(WebhookUrlTest, RefusesBadPorts) {
  ExpectRefused("https://zq9marker.example:0/", "url port must be between");
  ExpectRefused("https://zq9marker.example:65536/", "url port must be between");
  ExpectRefused("https://zq9marker.example:99999999999/",
                "url port must be between");
  ExpectRefused("https://zq9marker.example:-1/", "url port must be between");
  ExpectRefused("https://zq9marker.example:x/", "");
}

TEST(WebhookUrlTest, LengthLimitIsExact) {
  const std::string prefix = "https://h.example/";
  const std::string longest = absl::StrCat(
      prefix, std::string(kMaxWebhookUrlLength - prefix.size(), 'a'));
  ASSERT_EQ(longest.size(), kMaxWebhookUrlLength);
  EXPECT_EQ(Parsed(longest).url, longest);
  const std::string too_long =
      absl::StrCat(prefix, kMarker, std::string(kMaxWebhookUrlLength, 'a'));
  ExpectRefused(too_long, "url is longer than 2048 bytes");
  // Normalisation that lengthens the URL past the limit ("https:/h" prints
  // as "https://h/") is refused as well.
  const std::string grows = absl::StrCat(
      "https:/h.example/", std::string(kMaxWebhookUrlLength - 17, 'a'));
  ASSERT_EQ(grows.size(), kMaxWebhookUrlLength);
  ExpectRefused(grows, "url is longer than 2048 bytes");
}

TEST(WebhookUrlTest, RefusesSpacesControlCharactersAndNonAscii) {
  for (const std::string& url : {
           std::string("https://h.example/zq9marker x"),
           std::string("https://h.example/zq9marker\t"),
           std::string("https://h.example/zq9marker\n"),
           std::string("https://h.example/zq9marker\r\nX-Injected: 1"),
           std::string("https://h.example/zq9marker\x01"),
           std::string("https://h.example/zq9marker\x7f"),
           std::string(" https://h.example/zq9marker"),
           std::string("https://h.example/zq9marker "),
           std::string("https://zq9marker.\xC3\xA9xample/"),
           std::string("https://h.example/zq9marker/\xE2\x82\xAC"),
           // A NUL would otherwise hide the rest from libcurl.
           std::string("https://good.example\0.zq9marker.evil/", 38),
       }) {
    ExpectRefused(url, "url must be printable ASCII");
  }
}

TEST(WebhookUrlTest, RefusesNonAsciiHostThatPercentDecodingBringsBack) {
  ExpectRefused("https://%C3%A9zq9marker.example/",
                "url must be printable ASCII");
}

TEST(WebhookUrlTest, RefusesBadHosts) {
  ExpectRefused("https://zq9marker_ex ample/", "");
  ExpectRefused("https://[::1/zq9marker", "");
  ExpectRefused("https://[zq9marker]/", "");
  ExpectRefused("https://h%2fzq9marker/", "");
}

TEST(WebhookUrlTest, RefusesZoneIds) {
  ExpectRefused("https://[fe80::1%25zq9marker]/", "zone id");
}

TEST(WebhookUrlTest, Ipv6HostIsBare) {
  const WebhookUrl url = Parsed("https://[2606:4700:4700::1111]:8443/x");
  EXPECT_EQ(url.host, "2606:4700:4700::1111");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.url, "https://[2606:4700:4700::1111]:8443/x");
  EXPECT_EQ(Parsed("https://[::ffff:127.0.0.1]/").host, "::ffff:127.0.0.1");
}

// The guard must see the address libcurl will connect to, not the spelling.
TEST(WebhookUrlTest, NumericIpv4FormsAreNormalisedToDottedQuad) {
  for (absl::string_view url : {"https://0x7f000001/", "https://2130706433/",
                                "https://127.1/", "https://0177.0.0.1/"}) {
    const WebhookUrl parsed = Parsed(url);
    EXPECT_EQ(parsed.host, "127.0.0.1") << url;
    EXPECT_EQ(parsed.url, "https://127.0.0.1/") << url;
  }
}

TEST(WebhookUrlTest, PercentEncodedHostIsDecoded) {
  const WebhookUrl url = Parsed("https://%6c%6fcalhost/");
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.url, "https://localhost/");
}

}  // namespace
}  // namespace integrator::webhook
