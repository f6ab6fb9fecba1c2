#include "server/webhook/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

TEST(IpAddressTest, ParsesStrictIpv4) {
  const std::optional<IpAddress> address = IpAddress::Parse("192.0.2.33");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family, AF_INET);
  EXPECT_EQ(address->bytes[0], 192);
  EXPECT_EQ(address->bytes[3], 33);
  EXPECT_EQ(address->bytes[4], 0);
  EXPECT_EQ(address->ToString(), "192.0.2.33");
}

TEST(IpAddressTest, ParsesIpv6AndPrintsCompressed) {
  const std::optional<IpAddress> address =
      IpAddress::Parse("2606:4700:4700:0:0:0:0:1111");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family, AF_INET6);
  EXPECT_EQ(address->ToString(), "2606:4700:4700::1111");
  EXPECT_EQ(IpAddress::Parse("::ffff:127.0.0.1")->ToString(),
            "::ffff:127.0.0.1");
}

TEST(IpAddressTest, RefusesEverythingButStrictLiterals) {
  for (const char* text :
       {"", "127.1", "0x7f000001", "2130706433", "1.2.3.4.5", "[::1]",
        "fe80::1%eth0", "localhost", " 1.2.3.4", "1.2.3.4 ", "256.1.1.1",
        "1:2:3:4:5:6:7:8:9", "0000:0000:0000:0000:0000:0000:0000:0000:0"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
}

TEST(IpAddressTest, RefusesEmbeddedNul) {
  EXPECT_FALSE(IpAddress::Parse(std::string("1.2.3.4\0.5", 10)).has_value());
}

TEST(IpAddressTest, DefaultValueIsInvalid) {
  const IpAddress address;
  EXPECT_EQ(address.family, AF_UNSPEC);
  EXPECT_EQ(address.ToString(), "");
}

TEST(IpAddressTest, FromSockaddrReadsBothFamilies) {
  struct sockaddr_in v4 = {};
  v4.sin_family = AF_INET;
  ASSERT_EQ(inet_pton(AF_INET, "203.0.113.9", &v4.sin_addr), 1);
  const std::optional<IpAddress> from_v4 = IpAddress::FromSockaddr(
      reinterpret_cast<const struct sockaddr*>(&v4), sizeof(v4));
  ASSERT_TRUE(from_v4.has_value());
  EXPECT_EQ(*from_v4, *IpAddress::Parse("203.0.113.9"));

  struct sockaddr_in6 v6 = {};
  v6.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::7", &v6.sin6_addr), 1);
  const std::optional<IpAddress> from_v6 = IpAddress::FromSockaddr(
      reinterpret_cast<const struct sockaddr*>(&v6), sizeof(v6));
  ASSERT_TRUE(from_v6.has_value());
  EXPECT_EQ(*from_v6, *IpAddress::Parse("2001:db8::7"));

  // Too short for its family, or another family: refused.
  EXPECT_FALSE(IpAddress::FromSockaddr(
                   reinterpret_cast<const struct sockaddr*>(&v6), sizeof(v4))
                   .has_value());
  struct sockaddr unix_like = {};
  unix_like.sa_family = AF_UNIX;
  EXPECT_FALSE(
      IpAddress::FromSockaddr(&unix_like, sizeof(unix_like)).has_value());
  EXPECT_FALSE(IpAddress::FromSockaddr(nullptr, 0).has_value());
}

}  // namespace
}  // namespace integrator::webhook
