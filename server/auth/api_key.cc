#include "server/auth/api_key.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/crypto/digest.h"
#include "server/crypto/random.h"

namespace integrator::auth {
namespace {

// 32 bytes in unpadded base64url.
constexpr size_t kEncodedRandomLength = 43;

}  // namespace

absl::StatusOr<NewApiKey> MintApiKey() {
  absl::StatusOr<std::string> random = crypto::RandomBytes(kApiKeyRandomBytes);
  if (!random.ok()) return random.status();
  absl::StatusOr<std::string> id_bytes = crypto::RandomBytes(8);
  if (!id_bytes.ok()) return id_bytes.status();
  NewApiKey out;
  out.key = absl::StrCat(kApiKeyPrefix, absl::WebSafeBase64Escape(*random));
  crypto::Wipe(*random);
  out.key_id = absl::StrCat("key_", absl::BytesToHexString(*id_bytes));
  out.key_hash = HashApiKey(out.key);
  out.display_prefix = out.key.substr(0, kApiKeyDisplayPrefixLength);
  return out;
}

ApiKeyRecord ApiKeyRecordFor(const NewApiKey& key, std::string integrator_id,
                             std::string service_name,
                             std::vector<std::string> scopes) {
  ApiKeyRecord record;
  record.key_id = key.key_id;
  record.key_hash = key.key_hash;
  record.display_prefix = key.display_prefix;
  record.integrator_id = std::move(integrator_id);
  record.service_name = std::move(service_name);
  record.scopes = std::move(scopes);
  record.created_at_ms = absl::ToUnixMillis(absl::Now());
  return record;
}

std::string HashApiKey(absl::string_view key) { return crypto::Sha256Hex(key); }

bool LooksLikeApiKey(absl::string_view token) {
  if (!absl::ConsumePrefix(&token, kApiKeyPrefix)) return false;
  if (token.size() != kEncodedRandomLength) return false;
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace integrator::auth
