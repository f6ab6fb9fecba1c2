#include "server/sealing/secret_sealer.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/crypto/random.h"

namespace integrator {
namespace {

absl::string_view PurposeName(SealPurpose purpose) {
  switch (purpose) {
    case SealPurpose::kWebhookSecret:
      return "webhook-secret";
    case SealPurpose::kApiSecret:
      return "api-secret";
  }
  return "unknown";
}

// Integrator and key ids never contain '|', so the joined form is unambiguous.
std::string Aad(SealPurpose purpose, absl::string_view key_id,
                absl::string_view integrator_id, int64_t version) {
  return absl::StrCat(PurposeName(purpose), "|", key_id, "|", integrator_id,
                      "|", version);
}

// A ring of one: the key is its own active key.
MasterKeyring RingOf(MasterKey key) {
  const std::string id = key.key_id();
  std::vector<MasterKey> keys;
  keys.push_back(std::move(key));
  return *MasterKeyring::Create(std::move(keys), id);
}

}  // namespace

SecretSealer::Keys::Keys(MasterKeyring keyring) : ring(std::move(keyring)) {
  for (const MasterKey& key : ring.keys()) {
    if (key.key_id() == ring.active().key_id()) active = prepared.size();
    prepared.push_back(crypto::Aes256GcmKey::Create(key.bytes()));
  }
}

const absl::StatusOr<crypto::Aes256GcmKey>* SecretSealer::Keys::Prepared(
    absl::string_view key_id) const {
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (ring.keys()[i].key_id() == key_id) return &prepared[i];
  }
  return nullptr;
}

SecretSealer::SecretSealer(MasterKeyring ring) { ReplaceRing(std::move(ring)); }

SecretSealer::SecretSealer(MasterKey key)
    : SecretSealer(RingOf(std::move(key))) {}

void SecretSealer::ReplaceRing(MasterKeyring ring) {
  absl::MutexLock lock(&mu_);
  if (!installed_.empty()) {
    const MasterKeyring& current = installed_.back().keys->ring;
    bool same = current.active().key_id() == ring.active().key_id() &&
                current.keys().size() == ring.keys().size();
    for (size_t i = 0; same && i < ring.keys().size(); ++i) {
      same = current.keys()[i].key_id() == ring.keys()[i].key_id();
    }
    if (same) return;
  }
  const absl::Time now = absl::Now();
  // No call still uses a ring replaced a minute ago: wipe and free it.
  installed_.erase(std::remove_if(installed_.begin(), installed_.end(),
                                  [now](const Installed& old) {
                                    return old.replaced_at <
                                           now - absl::Minutes(1);
                                  }),
                   installed_.end());
  if (!installed_.empty()) installed_.back().replaced_at = now;
  auto keys = std::make_unique<const Keys>(std::move(ring));
  current_.store(keys.get(), std::memory_order_release);
  installed_.push_back({std::move(keys), absl::InfiniteFuture()});
}

std::vector<std::string> SecretSealer::key_ids() const {
  std::vector<std::string> ids;
  for (const MasterKey& key : Current().ring.keys())
    ids.push_back(key.key_id());
  return ids;
}

absl::StatusOr<SealedSecret> SecretSealer::Seal(
    SealPurpose purpose, absl::string_view integrator_id, int64_t version,
    absl::string_view plaintext) const {
  const Keys& keys = Current();
  const absl::StatusOr<crypto::Aes256GcmKey>& active =
      keys.prepared[keys.active];
  const std::string& key_id = keys.ring.active().key_id();
  if (!active.ok()) return active.status();
  // A nonce is public once used, so the buffered generator serves it.
  absl::StatusOr<std::string> nonce =
      crypto::PublicRandomBytes(crypto::kGcmNonceBytes);
  if (!nonce.ok()) return nonce.status();
  absl::StatusOr<std::string> ciphertext = active->Seal(
      *nonce, plaintext, Aad(purpose, key_id, integrator_id, version));
  if (!ciphertext.ok()) return ciphertext.status();
  SealedSecret sealed;
  sealed.version = version;
  sealed.key_id = key_id;
  sealed.nonce = std::move(*nonce);
  sealed.ciphertext = std::move(*ciphertext);
  return sealed;
}

absl::StatusOr<std::string> SecretSealer::Open(
    SealPurpose purpose, absl::string_view integrator_id,
    const SealedSecret& sealed) const {
  const Keys& keys = Current();
  const absl::StatusOr<crypto::Aes256GcmKey>* key =
      keys.Prepared(sealed.key_id);
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the secret was sealed with master key id ", sealed.key_id,
                     ", which is not in the master keyring (active key id ",
                     keys.ring.active().key_id(), ")"));
  }
  if (!key->ok()) return key->status();
  return (*key)->Open(
      sealed.nonce, sealed.ciphertext,
      Aad(purpose, sealed.key_id, integrator_id, sealed.version));
}

}  // namespace integrator
