#include "server/service/webhook_secret_policy.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "google/protobuf/stubs/common.h"
#include "proto/rpc/status_details.h"
#include "server/auth/scopes.h"
#include "server/service/field_error.h"

namespace integrator::service {

std::optional<size_t> CountUtf8CodePoints(absl::string_view text) {
  if (text.size() > static_cast<size_t>(INT32_MAX) ||
      !google::protobuf::internal::IsStructurallyValidUTF8(
          text.data(), static_cast<int>(text.size()))) {
    return std::nullopt;
  }
  // Valid UTF-8: every byte that is not a continuation byte starts a code
  // point.
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  });
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

absl::StatusOr<absl::Duration> PreviousSecretTtl(
    const v1::UpdateWebhookSecretRequest& request) {
  if (!request.has_previous_secret_ttl()) return absl::ZeroDuration();
  const google::protobuf::Duration& ttl = request.previous_secret_ttl();
  const absl::Duration value =
      absl::Seconds(ttl.seconds()) + absl::Nanoseconds(ttl.nanos());
  if (ttl.seconds() < 0 || ttl.nanos() < 0 || value > kMaxPreviousSecretTtl) {
    return FieldError("previous_secret_ttl",
                      "previous_secret_ttl must be 0 to 24 hours");
  }
  return value;
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
  return RequireIntegratorId(requested_id);
}

absl::StatusOr<std::string> RequireIntegratorId(
    absl::string_view requested_id) {
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
