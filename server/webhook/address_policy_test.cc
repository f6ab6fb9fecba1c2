#include "server/webhook/address_policy.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

IpAddress Ip(const char* literal) {
  const std::optional<IpAddress> address = IpAddress::Parse(literal);
  EXPECT_TRUE(address.has_value()) << literal;
  return address.value_or(IpAddress{});
}

// nullopt: public unicast. Otherwise the kind the policy must name, which
// proves the address fell in the intended range and not a neighbour.
struct Case {
  const char* address;
  std::optional<absl::string_view> kind;
};

void ExpectCases(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    const IpAddress address = Ip(c.address);
    EXPECT_EQ(NonPublicAddressKind(address), c.kind) << c.address;
    EXPECT_EQ(IsPublicUnicast(address), !c.kind.has_value()) << c.address;
  }
}

constexpr std::nullopt_t kPublic = std::nullopt;

TEST(AddressPolicyTest, PublicAddressesPass) {
  ExpectCases({{"8.8.8.8", kPublic},
               {"1.1.1.1", kPublic},
               {"93.184.216.34", kPublic},
               {"223.255.255.255", kPublic},
               {"2606:4700:4700::1111", kPublic},
               {"2001:4860:4860::8888", kPublic},
               {"2a00:1450:4001:80b::200e", kPublic}});
}

// Each IPv4 range: its first and last address, and the public neighbours
// just outside it.
TEST(AddressPolicyTest, Ipv4RangesAndTheirBoundaries) {
  ExpectCases({
      {"0.0.0.0", "this network"},
      {"0.255.255.255", "this network"},
      {"1.0.0.0", kPublic},
      {"9.255.255.255", kPublic},
      {"10.0.0.0", "private"},
      {"10.255.255.255", "private"},
      {"11.0.0.0", kPublic},
      {"100.63.255.255", kPublic},
      {"100.64.0.0", "shared (carrier-grade NAT)"},
      {"100.127.255.255", "shared (carrier-grade NAT)"},
      {"100.128.0.0", kPublic},
      {"126.255.255.255", kPublic},
      {"127.0.0.0", "loopback"},
      {"127.0.0.1", "loopback"},
      {"127.255.255.255", "loopback"},
      {"128.0.0.0", kPublic},
      {"169.253.255.255", kPublic},
      {"169.254.0.0", "link-local"},
      {"169.254.169.254", "link-local"},
      {"169.254.255.255", "link-local"},
      {"169.255.0.0", kPublic},
      {"172.15.255.255", kPublic},
      {"172.16.0.0", "private"},
      {"172.31.255.255", "private"},
      {"172.32.0.0", kPublic},
      {"191.255.255.255", kPublic},
      {"192.0.0.0", "IETF protocol assignment"},
      {"192.0.0.255", "IETF protocol assignment"},
      {"192.0.1.0", kPublic},
      {"192.0.1.255", kPublic},
      {"192.0.2.0", "documentation"},
      {"192.0.2.255", "documentation"},
      {"192.0.3.0", kPublic},
      {"192.88.98.255", kPublic},
      {"192.88.99.0", "6to4 relay anycast"},
      {"192.88.99.255", "6to4 relay anycast"},
      {"192.88.100.0", kPublic},
      {"192.167.255.255", kPublic},
      {"192.168.0.0", "private"},
      {"192.168.255.255", "private"},
      {"192.169.0.0", kPublic},
      {"198.17.255.255", kPublic},
      {"198.18.0.0", "benchmarking"},
      {"198.19.255.255", "benchmarking"},
      {"198.20.0.0", kPublic},
      {"198.51.99.255", kPublic},
      {"198.51.100.0", "documentation"},
      {"198.51.100.255", "documentation"},
      {"198.51.101.0", kPublic},
      {"203.0.112.255", kPublic},
      {"203.0.113.0", "documentation"},
      {"203.0.113.255", "documentation"},
      {"203.0.114.0", kPublic},
      {"224.0.0.0", "multicast"},
      {"239.255.255.255", "multicast"},
      {"240.0.0.0", "reserved"},
      {"255.255.255.254", "reserved"},
      {"255.255.255.255", "broadcast"},
  });
}

TEST(AddressPolicyTest, Ipv6SpecialAddresses) {
  ExpectCases({{"::", "unspecified"},
               {"::1", "loopback"},
               {"::2", "IPv4-compatible"},
               {"::ffff:ffff", "IPv4-compatible"},
               {"::1:0:0", "reserved"},
               {"::fffe:ffff:ffff", "reserved"}});
}

// Ranges outside 2000::/3 are refused either way; the kind shows that the
// boundary falls where it should.
TEST(AddressPolicyTest, Ipv6RangesAndTheirBoundaries) {
  ExpectCases({
      {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"},
      {"2000::", kPublic},
      {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic},
      {"4000::", "reserved"},
      {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"},
      {"100::", "discard-only"},
      {"100::ffff:ffff:ffff:ffff", "discard-only"},
      {"100:0:0:1::", "reserved"},
      {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic},
      {"2001::", "Teredo"},
      {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
      {"2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"},
      {"2001:1::", "IETF protocol assignment"},
      {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "IETF protocol assignment"},
      {"2001:200::", kPublic},
      {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", kPublic},
      {"2001:db8::", "documentation"},
      {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"},
      {"2001:db9::", kPublic},
      {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic},
      {"3fff::", "documentation"},
      {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"},
      {"3fff:1000::", kPublic},
      {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"},
      {"fc00::", "unique local"},
      {"fd12:3456:789a::1", "unique local"},
      {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique local"},
      {"fe00::", "reserved"},
      {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"},
      {"fe80::", "link-local"},
      {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"},
      {"fec0::", "site-local"},
      {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site-local"},
      {"ff00::", "multicast"},
      {"ff02::1", "multicast"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast"},
  });
}

TEST(AddressPolicyTest, Ipv4MappedIsJudgedByItsIpv4) {
  ExpectCases({{"::ffff:127.0.0.1", "loopback"},
               {"::ffff:10.0.0.1", "private"},
               {"::ffff:169.254.169.254", "link-local"},
               {"::ffff:0.0.0.0", "this network"},
               {"::ffff:255.255.255.255", "broadcast"},
               {"::ffff:8.8.8.8", kPublic},
               {"::ffff:1.1.1.1", kPublic}});
}

TEST(AddressPolicyTest, Ipv4CompatibleIsRefusedOutright) {
  ExpectCases({{"::127.0.0.1", "IPv4-compatible"},
               {"::10.0.0.1", "IPv4-compatible"},
               {"::169.254.169.254", "IPv4-compatible"},
               {"::8.8.8.8", "IPv4-compatible"}});
}

TEST(AddressPolicyTest, Ipv4TranslatedIsRefused) {
  // ::ffff:0:0:0/96 (RFC 2765) is neither mapped nor global unicast.
  ExpectCases(
      {{"::ffff:0:127.0.0.1", "reserved"}, {"::ffff:0:8.8.8.8", "reserved"}});
}

TEST(AddressPolicyTest, Nat64IsJudgedByItsIpv4) {
  ExpectCases({{"64:ff9b::127.0.0.1", "loopback"},
               {"64:ff9b::7f00:1", "loopback"},
               {"64:ff9b::10.0.0.1", "private"},
               {"64:ff9b::169.254.169.254", "link-local"},
               {"64:ff9b::8.8.8.8", kPublic},
               {"64:ff9b::1.1.1.1", kPublic},
               // Just past the /96: not NAT64, not global unicast.
               {"64:ff9b::1:0:0", "reserved"},
               {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"}});
}

TEST(AddressPolicyTest, LocalUseNat64IsRefusedOutright) {
  ExpectCases({{"64:ff9b:1::", "local-use NAT64"},
               {"64:ff9b:1::8.8.8.8", "local-use NAT64"},
               {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "local-use NAT64"},
               {"64:ff9b:2::", "reserved"}});
}

TEST(AddressPolicyTest, SixToFourIsJudgedByItsIpv4) {
  ExpectCases({{"2002:7f00:1::", "loopback"},
               {"2002:7f00:0001:1234::5", "loopback"},
               {"2002:a00:1::", "private"},
               {"2002:a9fe:a9fe::", "link-local"},
               {"2002:c000:0201::", "documentation"},
               {"2002:808:808::", kPublic},
               {"2002:101:101:ffff::1", kPublic},
               // Neighbours of 2002::/16 are plain global unicast.
               {"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic},
               {"2003::", kPublic}});
}

TEST(AddressPolicyTest, InvalidFamilyIsNotPublic) {
  EXPECT_FALSE(IsPublicUnicast(IpAddress{}));
  IpAddress bogus = Ip("8.8.8.8");
  bogus.family = AF_UNIX;
  EXPECT_FALSE(IsPublicUnicast(bogus));
}

}  // namespace
}  // namespace integrator::webhook
