#include "gateway/http_wire.h"

#include <string>

#include "gateway/gateway_error.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

constexpr WireLimits kLimits{.max_header_bytes = 16 * 1024,
                             .max_body_bytes = 64 * 1024};

int HttpStatusOf(const absl::Status& status) {
  return HttpStatusOverride(status).value_or(-1);
}

// A GET whose body is a whole second request: the smuggling probe.
std::string SmugglingProbe(absl::string_view transfer_encoding) {
  const std::string inner =
      "PUT /v1/integrator/webhook-secret HTTP/1.1\r\nHost: x\r\n"
      "Content-Length: 2\r\n\r\n{}";
  return absl::StrCat("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ",
                      transfer_encoding, "\r\n\r\n", inner);
}

TEST(CheckRequestFraming, FinalCodingOtherThanChunkedIs400) {
  for (absl::string_view te :
       {"gzip", "identity", "xchunked", "chunked, identity", "chunked, gzip",
        "", "chunked;q=1", "chunkedx"}) {
    absl::StatusOr<HttpRequest> request =
        ParseRawRequest(SmugglingProbe(te), kLimits);
    ASSERT_FALSE(request.ok()) << "Transfer-Encoding: " << te;
    EXPECT_EQ(HttpStatusOf(request.status()), 400) << te;
  }
}

TEST(CheckRequestFraming, ChunkedInAnyCaseIsServed) {
  for (absl::string_view te : {"chunked", "Chunked", "CHUNKED", " chunked "}) {
    absl::StatusOr<HttpRequest> request = ParseRawRequest(
        absl::StrCat("PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ", te,
                     "\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
        kLimits);
    ASSERT_TRUE(request.ok()) << te << ": " << request.status();
    EXPECT_EQ(request->body, "{}");
  }
}

TEST(CheckRequestFraming, OtherCodingsBeforeChunkedAre501) {
  absl::StatusOr<HttpRequest> request = ParseRawRequest(
      "PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "0\r\n\r\n",
      kLimits);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(HttpStatusOf(request.status()), 501);
}

TEST(CheckRequestFraming, TransferEncodingWithContentLengthIs400) {
  for (absl::string_view headers :
       {"Transfer-Encoding: gzip\r\nContent-Length: 2\r\n",
        "Content-Length: 2\r\nTransfer-Encoding: gzip\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n"}) {
    absl::StatusOr<HttpRequest> request = ParseRawRequest(
        absl::StrCat("PUT /a HTTP/1.1\r\nHost: x\r\n", headers, "\r\n{}"),
        kLimits);
    ASSERT_FALSE(request.ok()) << headers;
    EXPECT_EQ(HttpStatusOf(request.status()), 400) << headers;
  }
}

TEST(CheckRequestFraming, TransferEncodingInHttp10Is400) {
  absl::StatusOr<HttpRequest> request = ParseRawRequest(
      "PUT /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      kLimits);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(HttpStatusOf(request.status()), 400);
}

TEST(CheckRequestFraming, Http11NeedsExactlyOneHost) {
  EXPECT_EQ(HttpStatusOf(
                ParseRawRequest("GET /a HTTP/1.1\r\n\r\n", kLimits).status()),
            400);
  EXPECT_EQ(
      HttpStatusOf(ParseRawRequest(
                       "GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", kLimits)
                       .status()),
      400);
  EXPECT_TRUE(ParseRawRequest("GET /a HTTP/1.0\r\n\r\n", kLimits).ok());
  EXPECT_TRUE(
      ParseRawRequest("GET /a HTTP/1.1\r\nHost: a\r\n\r\n", kLimits).ok());
}

TEST(OriginFormTarget, AbsoluteFormBecomesPathAndQuery) {
  EXPECT_EQ(*OriginFormTarget("http://example.com:8080/v1/x?a=1&b=%2F"),
            "/v1/x?a=1&b=%2F");
  EXPECT_EQ(*OriginFormTarget("HTTPS://example.com"), "/");
  EXPECT_EQ(*OriginFormTarget("http://h/a%2Fb/../c"), "/a%2Fb/../c");
  EXPECT_EQ(*OriginFormTarget("/already?x"), "/already?x");
  EXPECT_EQ(*OriginFormTarget("*"), "*");
}

TEST(OriginFormTarget, OtherSchemesAndBadUrlsAre400) {
  for (absl::string_view target :
       {"ftp://h/a", "http://", "http://h:99999/a", "gopher://h/"}) {
    absl::StatusOr<std::string> origin = OriginFormTarget(target);
    ASSERT_FALSE(origin.ok()) << target;
    EXPECT_EQ(HttpStatusOf(origin.status()), 400) << target;
  }
}

TEST(ParseRawRequest, AbsoluteFormIsServedAsItsPath) {
  absl::StatusOr<HttpRequest> request = ParseRawRequest(
      "PUT http://x/v1/integrator/webhook-secret?k=v HTTP/1.1\r\nHost: x\r\n"
      "Content-Length: 2\r\n\r\n{}",
      kLimits);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->target, "/v1/integrator/webhook-secret?k=v");
}

}  // namespace
}  // namespace gateway
