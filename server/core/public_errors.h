// What a caller may see of a store failure: the store's own text can name
// tables and files, so it stays in the server log and the caller gets a
// fixed, rich status.
//
// Contract:
// - NotFound becomes NOT_FOUND with ErrorInfo <TYPE>_NOT_FOUND and
//   ResourceInfo {resource.type, resource.id}: the resource the caller
//   named. The store says which kind was missing by its message
//   (kIntegratorNotFound or the caller's resource), so an unknown
//   integrator named by an admin is reported as the integrator.
// - ResourceExhausted passes through (its text and RetryInfo are written
//   for callers); Unavailable becomes ServiceUnavailable() with RetryInfo;
//   anything else is INTERNAL "internal error". Both are logged with the
//   request id first.
//
// EXAMPLE:
//   done(PublicStoreError(status, {"webhook", id}, integrator,
//                         context.request_id()));
#ifndef INTEGRATOR_SERVER_CORE_PUBLIC_ERRORS_H_
#define INTEGRATOR_SERVER_CORE_PUBLIC_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace integrator::core {

inline constexpr absl::string_view kIntegratorNotFound = "integrator not found";

struct ResourceRef {
  absl::string_view type;  // "webhook", "integrator"
  absl::string_view id;
};

// UNAVAILABLE "retry later" with a RetryInfo of one second.
absl::Status ServiceUnavailable();

absl::Status PublicStoreError(const absl::Status& status, ResourceRef resource,
                              absl::string_view integrator_id,
                              absl::string_view request_id);

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_PUBLIC_ERRORS_H_
