#include "server/webhook/target_guard.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

IpAddress Ip(const char* literal) {
  const std::optional<IpAddress> address = IpAddress::Parse(literal);
  EXPECT_TRUE(address.has_value()) << literal;
  return address.value_or(IpAddress{});
}

WebhookUrl Url(absl::string_view text) {
  absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(text, false);
  EXPECT_TRUE(url.ok()) << text << " -> " << url.status();
  return url.value_or(WebhookUrl{});
}

// Answers every lookup with a configured result and records what it was
// asked; no DNS.
class FakeResolver final : public HostResolver {
 public:
  explicit FakeResolver(absl::StatusOr<std::vector<IpAddress>> answer)
      : answer_(std::move(answer)) {}

  absl::StatusOr<std::vector<IpAddress>> Resolve(absl::string_view host,
                                                 int port) const override {
    asked_host_ = std::string(host);
    asked_port_ = port;
    return answer_;
  }

  const std::string& asked_host() const { return asked_host_; }
  int asked_port() const { return asked_port_; }

 private:
  absl::StatusOr<std::vector<IpAddress>> answer_;
  mutable std::string asked_host_;
  mutable int asked_port_ = 0;
};

void ExpectNotPublic(const absl::StatusOr<PinnedTarget>& target,
                     absl::string_view kind) {
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(target.status().message(),
            absl::StrCat("url resolves to an address that is not public (",
                         kind, ")"));
}

TEST(TargetGuardTest, AllPublicPassesAndPinsTheFirst) {
  const FakeResolver resolver(std::vector<IpAddress>{
      Ip("93.184.216.34"), Ip("2606:2800:220:1::248"), Ip("1.1.1.1")});
  const absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(Url("https://hooks.example.com:8443/in"), resolver,
                         /*allow_private_targets=*/false);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->address, Ip("93.184.216.34"));
  EXPECT_EQ(target->url.url, "https://hooks.example.com:8443/in");
  EXPECT_EQ(resolver.asked_host(), "hooks.example.com");
  EXPECT_EQ(resolver.asked_port(), 8443);
}

TEST(TargetGuardTest, OnePrivateAmongPublicIsRefused) {
  const FakeResolver resolver(std::vector<IpAddress>{
      Ip("93.184.216.34"), Ip("10.1.2.3"), Ip("1.1.1.1")});
  const absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(Url("https://rebind.example.com/"), resolver, false);
  ExpectNotPublic(target, "private");
  EXPECT_FALSE(absl::StrContains(target.status().message(), "rebind"));
  EXPECT_FALSE(absl::StrContains(target.status().message(), "10.1.2.3"));
}

TEST(TargetGuardTest, PrivateLastIsRefusedToo) {
  const FakeResolver resolver(
      std::vector<IpAddress>{Ip("2606:4700:4700::1111"), Ip("fd00::1")});
  ExpectNotPublic(
      CheckWebhookTarget(Url("https://h.example/"), resolver, false),
      "unique local");
}

TEST(TargetGuardTest, AllowPrivateTargetsLetsLoopbackThrough) {
  const FakeResolver resolver(
      std::vector<IpAddress>{Ip("127.0.0.1"), Ip("::1")});
  const WebhookUrl url = Url("https://receiver.test:9443/hook");
  ExpectNotPublic(CheckWebhookTarget(url, resolver, false), "loopback");
  const absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(url, resolver, /*allow_private_targets=*/true);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->address, Ip("127.0.0.1"));
}

TEST(TargetGuardTest, ResolverFailureIsPassedOn) {
  const FakeResolver resolver(
      absl::UnavailableError("the webhook host does not resolve"));
  const absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(Url("https://nx.example/"), resolver, false);
  EXPECT_EQ(target.status().code(), absl::StatusCode::kUnavailable);
}

TEST(TargetGuardTest, NoAddressesIsAnError) {
  const FakeResolver resolver(std::vector<IpAddress>{});
  const absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(Url("https://empty.example/"), resolver, true);
  EXPECT_EQ(target.status().code(), absl::StatusCode::kUnavailable);
}

TEST(TargetGuardTest, InvalidAddressFromResolverIsAnError) {
  const FakeResolver resolver(std::vector<IpAddress>{IpAddress{}});
  EXPECT_FALSE(
      CheckWebhookTarget(Url("https://h.example/"), resolver, true).ok());
}

// IP literals resolve without DNS, so these go through the real resolver.
TEST(TargetGuardTest, SystemResolverRefusesNonPublicLiterals) {
  const SystemResolver resolver;
  const struct {
    const char* url;
    const char* kind;
  } cases[] = {
      {"https://127.0.0.1/", "loopback"},
      {"https://[::1]/", "loopback"},
      {"https://[::ffff:127.0.0.1]/", "loopback"},
      {"https://[::ffff:7f00:1]/", "loopback"},
      {"https://[64:ff9b::7f00:1]/", "loopback"},
      {"https://169.254.169.254/latest/meta-data/", "link-local"},
      {"https://[fd00:ec2::254]/", "unique local"},
      {"https://10.0.0.1/", "private"},
      {"https://0x7f000001/", "loopback"},
      {"https://0/", "this network"},
      {"https://[::]/", "unspecified"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    ExpectNotPublic(CheckWebhookTarget(Url(c.url), resolver, false), c.kind);
  }
}

// localhost comes from /etc/hosts: no packet leaves the machine.
TEST(TargetGuardTest, SystemResolverRefusesLocalhost) {
  const SystemResolver resolver;
  ExpectNotPublic(
      CheckWebhookTarget(Url("https://localhost/"), resolver, false),
      "loopback");
}

TEST(TargetGuardTest, SystemResolverResolvesLiteralsToThemselves) {
  const SystemResolver resolver;
  const absl::StatusOr<std::vector<IpAddress>> v4 =
      resolver.Resolve("1.1.1.1", 443);
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(*v4, std::vector<IpAddress>{Ip("1.1.1.1")});
  const absl::StatusOr<PinnedTarget> target = CheckWebhookTarget(
      Url("https://[2606:4700:4700::1111]/"), resolver, false);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->address, Ip("2606:4700:4700::1111"));
  const absl::StatusOr<PinnedTarget> loopback =
      CheckWebhookTarget(Url("https://[::1]:8443/"), resolver, true);
  ASSERT_TRUE(loopback.ok()) << loopback.status();
  EXPECT_EQ(loopback->address, Ip("::1"));
}

TEST(TargetGuardTest, SystemResolverRefusesBadInput) {
  const SystemResolver resolver;
  EXPECT_EQ(resolver.Resolve("", 443).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(resolver.Resolve(std::string("1.1.1.1\0x", 9), 443).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(resolver.Resolve("1.1.1.1", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TargetGuardTest, CurlResolveEntryFormats) {
  EXPECT_EQ(
      (PinnedTarget{Url("https://hooks.example.com/"), Ip("93.184.216.34")})
          .CurlResolveEntry(),
      "hooks.example.com:443:93.184.216.34");
  EXPECT_EQ((PinnedTarget{Url("https://hooks.example.com:8443/x"),
                          Ip("2606:4700:4700::1111")})
                .CurlResolveEntry(),
            "hooks.example.com:8443:[2606:4700:4700::1111]");
  EXPECT_EQ(
      (PinnedTarget{Url("https://1.1.1.1/"), Ip("1.1.1.1")}).CurlResolveEntry(),
      "1.1.1.1:443:1.1.1.1");
  // libcurl 7.88 cannot parse an IPv6 literal host in CURLOPT_RESOLVE, and
  // connects to such a host without resolving it.
  EXPECT_EQ((PinnedTarget{Url("https://[2606:4700:4700::1111]/"),
                          Ip("2606:4700:4700::1111")})
                .CurlResolveEntry(),
            std::nullopt);
}

}  // namespace
}  // namespace integrator::webhook
