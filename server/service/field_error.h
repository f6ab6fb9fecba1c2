// The status of an invalid request field, as every RPC reports it.
//
// Contract: INVALID_ARGUMENT with `message`, an ErrorInfo (reason
// INVALID_FIELD, domain "validation", metadata field=<field>) and a
// BadRequest violation on `field` (its proto name; the gateway translates
// it to the JSON name). The message must quote none of the input.
//
// EXAMPLE:
//   return FieldError("secret", "secret must be valid UTF-8");
#ifndef INTEGRATOR_SERVER_SERVICE_FIELD_ERROR_H_
#define INTEGRATOR_SERVER_SERVICE_FIELD_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proto/rpc/status_details.h"

namespace integrator::service {

inline absl::Status FieldError(absl::string_view field,
                               absl::string_view message) {
  return rpc::WithFieldViolation(
      rpc::WithErrorInfo(absl::InvalidArgumentError(message), "INVALID_FIELD",
                         "validation", {{"field", field}}),
      field, message);
}

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_FIELD_ERROR_H_
