#include "gateway/header_policy.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/gateway_error.h"

namespace gateway {
namespace {

constexpr absl::string_view kAllowed[] = {"authorization", "x-request-id",
                                          "x-integrator-key", "x-signature",
                                          "x-timestamp"};
constexpr absl::string_view kMetadataPrefix = "grpc-metadata-";

bool IsAllowListed(absl::string_view name) {
  for (absl::string_view allowed : kAllowed) {
    if (name == allowed) return true;
  }
  return false;
}

}  // namespace

bool IsValidMetadataKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsValidMetadataValue(absl::string_view value) {
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) return false;
  }
  return true;
}

absl::StatusOr<HeaderList> ForwardableMetadata(const HeaderList& headers) {
  HeaderList out;
  size_t total_bytes = 0;
  for (const auto& [raw_name, value] : headers) {
    const std::string name = absl::AsciiStrToLower(raw_name);
    std::string key;
    if (IsAllowListed(name)) {
      key = name;
    } else if (absl::StartsWith(name, kMetadataPrefix)) {
      key = name.substr(kMetadataPrefix.size());
    } else {
      continue;
    }
    if (absl::StartsWith(key, "grpc-") ||
        absl::StartsWith(key, kGatewayKeyPrefix)) {
      continue;
    }
    // Header names cannot be echoed safely either: report by position only.
    if (!IsValidMetadataKey(key)) {
      return GatewayError(400, "INVALID_HEADER",
                          "a forwarded header name has characters outside "
                          "[a-z0-9._-]");
    }
    if (!IsValidMetadataValue(value) || value.size() > kMaxHeaderValueBytes) {
      return GatewayError(
          400, "INVALID_HEADER",
          absl::StrCat("the ", key,
                       " header must be at most 4096 printable ASCII bytes"));
    }
    if (out.size() == kMaxForwardedHeaders) {
      return GatewayError(400, "INVALID_HEADER", "too many forwarded headers");
    }
    total_bytes += key.size() + value.size();
    if (total_bytes > kMaxForwardedBytes) {
      return GatewayError(431, "HEADERS_TOO_LARGE",
                          "the forwarded headers exceed 8192 bytes in all");
    }
    out.emplace_back(std::move(key), value);
  }
  return out;
}

}  // namespace gateway
