// API keys: how they are minted, recognised and stored.
//
// Contract: a key is `sk_live_` followed by 32 random bytes in unpadded
// base64url (43 characters). It is shown once; the store keeps only its
// SHA-256 (hex), a random key id (`key_…`) and a short display prefix so an
// operator can name it for revocation. LooksLikeApiKey is a cheap syntactic
// gate applied before any lookup, so oversized or malformed tokens never reach
// the store.
//
// EXAMPLE:
//   absl::StatusOr<NewApiKey> key = MintApiKey();
//   std::cout << key->key;                  // once
//   record.key_hash = key->key_hash;        // stored
//   ... later: store.FindApiKeyByHash(HashApiKey(presented_token));
#ifndef INTEGRATOR_SERVER_AUTH_API_KEY_H_
#define INTEGRATOR_SERVER_AUTH_API_KEY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/store.h"

namespace integrator::auth {

inline constexpr absl::string_view kApiKeyPrefix = "sk_live_";
inline constexpr size_t kApiKeyRandomBytes = 32;
inline constexpr size_t kApiKeyDisplayPrefixLength = 16;

struct NewApiKey {
  std::string key;  // the secret value, shown once
  std::string key_id;
  std::string key_hash;
  std::string display_prefix;
};

absl::StatusOr<NewApiKey> MintApiKey();

// What the store keeps of a new key: never the key itself. Exactly one of
// `integrator_id` and `service_name` is non-empty.
ApiKeyRecord ApiKeyRecordFor(const NewApiKey& key, std::string integrator_id,
                             std::string service_name,
                             std::vector<std::string> scopes);

std::string HashApiKey(absl::string_view key);

bool LooksLikeApiKey(absl::string_view token);

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_API_KEY_H_
