#include "server/crypto/aead.h"

#include <cstdint>

#include "absl/status/status.h"
#include "server/crypto/random.h"

namespace integrator::crypto {
namespace {

const uint8_t* Bytes(absl::string_view s) {
  static const uint8_t kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(s.data());
}

absl::Status CheckSizes(absl::string_view nonce, absl::string_view data,
                        absl::string_view aad) {
  if (nonce.size() != kGcmNonceBytes) {
    return absl::InvalidArgumentError("AES-256-GCM needs a 12-byte nonce");
  }
  if (data.size() > kMaxAeadInputBytes || aad.size() > kMaxAeadInputBytes) {
    return absl::InvalidArgumentError("AES-256-GCM input is too large");
  }
  return absl::OkStatus();
}

}  // namespace

void Aes256GcmKey::CipherCtxDeleter::operator()(EVP_CIPHER_CTX* ctx) const {
  EVP_CIPHER_CTX_free(ctx);
}

absl::StatusOr<Aes256GcmKey> Aes256GcmKey::Create(absl::string_view key) {
  if (key.size() != kAes256KeyBytes) {
    return absl::InvalidArgumentError("AES-256-GCM needs a 32-byte key");
  }
  CipherCtx prepared[2];
  for (int enc = 0; enc < 2; ++enc) {
    prepared[enc].reset(EVP_CIPHER_CTX_new());
    EVP_CIPHER_CTX* ctx = prepared[enc].get();
    if (ctx == nullptr ||
        EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr,
                          enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
                            static_cast<int>(kGcmNonceBytes), nullptr) != 1 ||
        EVP_CipherInit_ex(ctx, nullptr, nullptr, Bytes(key), nullptr, enc) !=
            1) {
      return absl::InternalError("cannot initialise AES-256-GCM");
    }
  }
  return Aes256GcmKey(std::move(prepared[1]), std::move(prepared[0]));
}

absl::StatusOr<Aes256GcmKey::CipherCtx> Aes256GcmKey::Start(
    const CipherCtx& prepared, absl::string_view nonce) const {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  // -1 keeps the direction the prepared context was made for.
  if (!ctx || EVP_CIPHER_CTX_copy(ctx.get(), prepared.get()) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, nullptr, Bytes(nonce),
                        -1) != 1) {
    return absl::InternalError("cannot initialise AES-256-GCM");
  }
  return ctx;
}

absl::StatusOr<std::string> Aes256GcmKey::Seal(absl::string_view nonce,
                                               absl::string_view plaintext,
                                               absl::string_view aad) const {
  if (absl::Status s = CheckSizes(nonce, plaintext, aad); !s.ok()) return s;
  absl::StatusOr<CipherCtx> ctx = Start(encrypt_, nonce);
  if (!ctx.ok()) return ctx.status();
  std::string out(plaintext.size() + kGcmTagBytes, '\0');
  auto* out_bytes = reinterpret_cast<uint8_t*>(out.data());
  int len = 0;
  int total = 0;
  if (EVP_CipherUpdate(ctx->get(), nullptr, &len, Bytes(aad),
                       static_cast<int>(aad.size())) != 1 ||
      EVP_CipherUpdate(ctx->get(), out_bytes, &len, Bytes(plaintext),
                       static_cast<int>(plaintext.size())) != 1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  total = len;
  if (EVP_CipherFinal_ex(ctx->get(), out_bytes + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_GET_TAG,
                          static_cast<int>(kGcmTagBytes),
                          out_bytes + plaintext.size()) != 1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  return out;
}

absl::StatusOr<std::string> Aes256GcmKey::Open(absl::string_view nonce,
                                               absl::string_view sealed,
                                               absl::string_view aad) const {
  if (absl::Status s = CheckSizes(nonce, sealed, aad); !s.ok()) return s;
  if (sealed.size() < kGcmTagBytes) {
    return absl::PermissionDeniedError("sealed value is truncated");
  }
  const size_t text_size = sealed.size() - kGcmTagBytes;
  absl::StatusOr<CipherCtx> ctx = Start(decrypt_, nonce);
  if (!ctx.ok()) return ctx.status();
  std::string tag(sealed.substr(text_size));
  std::string out(text_size, '\0');
  auto* out_bytes = reinterpret_cast<uint8_t*>(out.data());
  int len = 0;
  bool ok =
      EVP_CipherUpdate(ctx->get(), nullptr, &len, Bytes(aad),
                       static_cast<int>(aad.size())) == 1 &&
      EVP_CipherUpdate(ctx->get(), out_bytes, &len, Bytes(sealed),
                       static_cast<int>(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(kGcmTagBytes), tag.data()) == 1 &&
      EVP_CipherFinal_ex(ctx->get(), out_bytes + len, &len) == 1;
  if (!ok) {
    Wipe(out);
    return absl::PermissionDeniedError(
        "sealed value failed authentication: wrong key or tampered data");
  }
  return out;
}

absl::StatusOr<std::string> Aes256GcmSeal(absl::string_view key,
                                          absl::string_view nonce,
                                          absl::string_view plaintext,
                                          absl::string_view aad) {
  absl::StatusOr<Aes256GcmKey> prepared = Aes256GcmKey::Create(key);
  if (!prepared.ok()) return prepared.status();
  return prepared->Seal(nonce, plaintext, aad);
}

absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key,
                                          absl::string_view nonce,
                                          absl::string_view sealed,
                                          absl::string_view aad) {
  absl::StatusOr<Aes256GcmKey> prepared = Aes256GcmKey::Create(key);
  if (!prepared.ok()) return prepared.status();
  return prepared->Open(nonce, sealed, aad);
}

}  // namespace integrator::crypto
