#include "server/sealing/secret_sealer.h"

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
  auto keys = std::make_unique<const Keys>(std::move(ring));
  absl::MutexLock lock(&mu_);
  current_.store(keys.get(), std::memory_order_release);
  installed_.push_back(std::move(keys));
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
