#include "server/webhook/address_policy.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace integrator::webhook {
namespace {

// A prefix of `bits` bits and the name of what it is reserved for. IPv4
// prefixes use the first four bytes only.
struct ReservedRange {
  std::array<uint8_t, 16> prefix;
  int bits;
  absl::string_view kind;
};

// Most specific first where ranges overlap, so the name is the precise one.
constexpr ReservedRange kReservedIpv4[] = {
    {{0}, 8, "this network"},
    {{10}, 8, "private"},
    {{100, 64}, 10, "shared (carrier-grade NAT)"},
    {{127}, 8, "loopback"},
    {{169, 254}, 16, "link-local"},
    {{172, 16}, 12, "private"},
    {{192, 0, 0}, 24, "IETF protocol assignment"},
    {{192, 0, 2}, 24, "documentation"},
    {{192, 88, 99}, 24, "6to4 relay anycast"},
    {{192, 168}, 16, "private"},
    {{198, 18}, 15, "benchmarking"},
    {{198, 51, 100}, 24, "documentation"},
    {{203, 0, 113}, 24, "documentation"},
    {{224}, 4, "multicast"},
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{240}, 4, "reserved"},
};

constexpr ReservedRange kReservedIpv6[] = {
    {{0}, 128, "unspecified"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
    // Deprecated by RFC 4291; no stack should route it, so refuse it whatever
    // IPv4 address it carries rather than guess how a host would treat it.
    {{0}, 96, "IPv4-compatible"},
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "local-use NAT64"},
    {{0x01, 0x00}, 64, "discard-only"},
    {{0x20, 0x01, 0x00, 0x00}, 32, "Teredo"},
    {{0x20, 0x01, 0x00, 0x00}, 23, "IETF protocol assignment"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x3f, 0xff, 0x00}, 20, "documentation"},
    {{0xfc}, 7, "unique local"},
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xfe, 0xc0}, 10, "site-local"},
    {{0xff}, 8, "multicast"},
};

constexpr std::array<uint8_t, 16> kGlobalUnicastPrefix = {0x20};  // 2000::/3

// IPv6 forms that carry an IPv4 address, and where it sits.
struct EmbeddingRange {
  std::array<uint8_t, 16> prefix;
  int bits;
  size_t ipv4_offset;
};

constexpr EmbeddingRange kIpv4EmbeddingIpv6[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 12},  // IPv4-mapped
    {{0x00, 0x64, 0xff, 0x9b}, 96, 12},                    // NAT64
    {{0x20, 0x02}, 16, 2},                                 // 6to4
};

bool HasPrefix(absl::Span<const uint8_t> address,
               absl::Span<const uint8_t> prefix, int bits) {
  const size_t whole_bytes = static_cast<size_t>(bits / 8);
  for (size_t i = 0; i < whole_bytes; ++i) {
    if (address[i] != prefix[i]) return false;
  }
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[whole_bytes] & mask) == (prefix[whole_bytes] & mask);
}

std::optional<absl::string_view> ReservedKind(
    absl::Span<const uint8_t> address, absl::Span<const ReservedRange> ranges) {
  for (const ReservedRange& range : ranges) {
    if (HasPrefix(address, range.prefix, range.bits)) return range.kind;
  }
  return std::nullopt;
}

std::optional<absl::string_view> NonPublicIpv4Kind(
    absl::Span<const uint8_t> ipv4) {
  return ReservedKind(ipv4, kReservedIpv4);
}

std::optional<absl::string_view> NonPublicIpv6Kind(
    absl::Span<const uint8_t> ipv6) {
  for (const EmbeddingRange& embedding : kIpv4EmbeddingIpv6) {
    if (!HasPrefix(ipv6, embedding.prefix, embedding.bits)) continue;
    // The packet ends up at the embedded IPv4 address (through the local
    // stack, a NAT64 gateway or a 6to4 relay), so that address decides.
    if (std::optional<absl::string_view> kind =
            NonPublicIpv4Kind(ipv6.subspan(embedding.ipv4_offset, 4))) {
      return kind;
    }
    // Mapped and NAT64 lie outside 2000::/3 but reach a public IPv4 host;
    // 6to4 is inside 2000::/3 and the table below has nothing against it.
    return std::nullopt;
  }
  if (std::optional<absl::string_view> kind =
          ReservedKind(ipv6, kReservedIpv6)) {
    return kind;
  }
  if (!HasPrefix(ipv6, kGlobalUnicastPrefix, 3)) return "reserved";
  return std::nullopt;
}

}  // namespace

std::optional<absl::string_view> NonPublicAddressKind(
    const IpAddress& address) {
  const absl::Span<const uint8_t> bytes(address.bytes);
  switch (address.family) {
    case AF_INET:
      return NonPublicIpv4Kind(bytes.first(4));
    case AF_INET6:
      return NonPublicIpv6Kind(bytes);
    default:
      return "unknown family";
  }
}

bool IsPublicUnicast(const IpAddress& address) {
  return !NonPublicAddressKind(address).has_value();
}

}  // namespace integrator::webhook
