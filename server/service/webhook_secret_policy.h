// The rules of UpdateWebhookSecret that do not touch the network or the
// store: what a valid secret is, and which integrator a caller may act on.
//
// Contract:
// - A secret is 1 to 1024 Unicode code points of valid UTF-8, kept
//   byte-exact (no trimming, no normalisation). Violations are
//   INVALID_ARGUMENT with a BadRequest violation on `secret`; the message
//   never contains the secret.
// - ResolveTargetIntegrator: a credential bound to an integrator acts on it
//   (naming another is PERMISSION_DENIED); an internal caller needs
//   `admin:integrators` and must name one (INVALID_ARGUMENT on
//   `integrator_id` when it does not). Ids are 1 to 64 of [A-Za-z0-9_-].
//
// EXAMPLE:
//   if (absl::Status s = ValidateWebhookSecret(req.secret()); !s.ok()) ...
//   absl::StatusOr<std::string> target =
//       ResolveTargetIntegrator(principal, req.integrator_id());
#ifndef INTEGRATOR_SERVER_SERVICE_WEBHOOK_SECRET_POLICY_H_
#define INTEGRATOR_SERVER_SERVICE_WEBHOOK_SECRET_POLICY_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "integrator/v1/integrator.pb.h"
#include "server/auth/principal.h"

namespace integrator::service {

inline constexpr size_t kMinSecretCodePoints = 1;
inline constexpr size_t kMaxSecretCodePoints = 1024;
inline constexpr size_t kMaxIntegratorIdLength = 64;

// Code points in `text`, or nullopt when it is not valid UTF-8 as Protobuf
// judges it (the same check proto3 applies to string fields on the wire).
std::optional<size_t> CountUtf8CodePoints(absl::string_view text);

bool IsValidIntegratorId(absl::string_view id);

absl::Status ValidateWebhookSecret(absl::string_view secret);

// The request's previous_secret_ttl: 0 (unset) to 24 h, else a 400 on
// `previous_secret_ttl`.
inline constexpr absl::Duration kMaxPreviousSecretTtl = absl::Hours(24);
absl::StatusOr<absl::Duration> PreviousSecretTtl(
    const v1::UpdateWebhookSecretRequest& request);

absl::StatusOr<std::string> ResolveTargetIntegrator(
    const auth::Principal& principal, absl::string_view requested_id);

// The integrator an internal caller names: required, and a valid id.
absl::StatusOr<std::string> RequireIntegratorId(absl::string_view requested_id);

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_WEBHOOK_SECRET_POLICY_H_
