#include "server/service/webhook_secret_policy.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "server/auth/scopes.h"
#include "server/rpc/status_details.h"

namespace integrator::service {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view message) {
  return rpc::WithFieldViolation(
      rpc::WithErrorInfo(absl::InvalidArgumentError(message),
                         "INVALID_FIELD", "validation", {{"field", field}}),
      field, message);
}

}  // namespace

std::optional<size_t> CountUtf8CodePoints(absl::string_view text) {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    i += length;
    ++count;
  }
  return count;
}

bool IsValidIntegratorId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIntegratorIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status ValidateWebhookSecret(absl::string_view secret) {
  std::optional<size_t> code_points = CountUtf8CodePoints(secret);
  if (!code_points.has_value()) {
    return FieldError("secret", "secret must be valid UTF-8");
  }
  if (*code_points < kMinSecretCodePoints ||
      *code_points > kMaxSecretCodePoints) {
    return FieldError("secret", "secret must be 1 to 1024 characters long");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveTargetIntegrator(
    const auth::Principal& principal, absl::string_view requested_id) {
  if (!principal.integrator_id.empty()) {
    if (requested_id.empty() || requested_id == principal.integrator_id) {
      return principal.integrator_id;
    }
    return rpc::WithErrorInfo(
        absl::PermissionDeniedError(
            "this credential may act only on its own integrator"),
        "INTEGRATOR_MISMATCH", "auth",
        {{"realm", auth::kRealm}, {"scope", auth::kScopeAdminIntegrators}});
  }
  if (!principal.HasScope(auth::kScopeAdminIntegrators)) {
    return rpc::WithErrorInfo(
        absl::PermissionDeniedError(
            "an internal caller needs the scope admin:integrators"),
        "INSUFFICIENT_SCOPE", "auth",
        {{"realm", auth::kRealm}, {"scope", auth::kScopeAdminIntegrators}});
  }
  if (requested_id.empty()) {
    return FieldError("integrator_id",
                      "integrator_id is required for internal callers");
  }
  if (!IsValidIntegratorId(requested_id)) {
    return FieldError("integrator_id",
                      "integrator_id must be 1 to 64 letters, digits, '_' or "
                      "'-'");
  }
  return std::string(requested_id);
}

}  // namespace integrator::service
