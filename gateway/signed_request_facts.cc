#include "gateway/signed_request_facts.h"

#include <openssl/sha.h>

#include <string>

#include "absl/strings/escaping.h"
#include "gateway/header_policy.h"

namespace gateway {
namespace {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace

void AddSignedRequestFacts(const HttpRequest& request, HeaderList& metadata) {
  if (!request.Header(kSignatureKey).has_value()) return;
  metadata.emplace_back(std::string(kGatewayMethodKey), request.method);
  metadata.emplace_back(std::string(kGatewayPathKey), request.target);
  metadata.emplace_back(std::string(kGatewayBodyHashKey),
                        Sha256Hex(request.body));
}

}  // namespace gateway
