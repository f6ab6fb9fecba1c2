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

}  // namespace

absl::StatusOr<SealedSecret> SecretSealer::Seal(
    SealPurpose purpose, absl::string_view integrator_id, int64_t version,
    absl::string_view plaintext) const {
  if (!prepared_.ok()) return prepared_.status();
  // A nonce is public once used, so the buffered generator serves it.
  absl::StatusOr<std::string> nonce =
      crypto::PublicRandomBytes(crypto::kGcmNonceBytes);
  if (!nonce.ok()) return nonce.status();
  absl::StatusOr<std::string> ciphertext = prepared_->Seal(
      *nonce, plaintext, Aad(purpose, key_id(), integrator_id, version));
  if (!ciphertext.ok()) return ciphertext.status();
  SealedSecret sealed;
  sealed.version = version;
  sealed.key_id = key_id();
  sealed.nonce = std::move(*nonce);
  sealed.ciphertext = std::move(*ciphertext);
  return sealed;
}

absl::StatusOr<std::string> SecretSealer::Open(
    SealPurpose purpose, absl::string_view integrator_id,
    const SealedSecret& sealed) const {
  if (sealed.key_id != key_id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the secret was sealed with master key id ", sealed.key_id,
                     ", but the master key file given has key id ", key_id()));
  }
  if (!prepared_.ok()) return prepared_.status();
  return prepared_->Open(
      sealed.nonce, sealed.ciphertext,
      Aad(purpose, sealed.key_id, integrator_id, sealed.version));
}

}  // namespace integrator
