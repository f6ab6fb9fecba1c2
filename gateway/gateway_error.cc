#include "gateway/gateway_error.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

constexpr absl::string_view kHttpStatusPayload =
    "integrator.gateway/http-status";

absl::StatusCode CodeFor(int http_status) {
  switch (http_status) {
    case 400:
    case 415:
      return absl::StatusCode::kInvalidArgument;
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 408:
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    case 413:
    case 431:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status GatewayError(int http_status, absl::string_view reason,
                          absl::string_view detail) {
  absl::Status status = integrator::rpc::WithErrorInfo(
      absl::Status(CodeFor(http_status), detail), reason, "gateway");
  status.SetPayload(kHttpStatusPayload,
                    absl::Cord(std::to_string(http_status)));
  return status;
}

absl::Status GatewayFieldError(absl::string_view field,
                               absl::string_view detail) {
  return integrator::rpc::WithFieldViolation(
      GatewayError(400, "INVALID_BODY", detail), field, detail);
}

absl::Status GatewayUnknownFieldError(absl::string_view path,
                                      absl::string_view where) {
  bool nameable = !path.empty() && path.size() <= 128;
  for (char c : path) {
    nameable =
        nameable && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                     c == '_' || c == '.');
  }
  if (!nameable) {
    return GatewayError(400, "UNKNOWN_FIELD",
                        absl::StrCat("the ", where, " has an unknown field"));
  }
  return GatewayFieldError(path, absl::StrCat("unknown field \"", path, "\""));
}

std::optional<int> HttpStatusOverride(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kHttpStatusPayload);
  int value = 0;
  if (!payload.has_value() ||
      !absl::SimpleAtoi(std::string(*payload), &value)) {
    return std::nullopt;
  }
  switch (value) {
    case 400:
    case 404:
    case 405:
    case 408:
    case 413:
    case 415:
    case 431:
    case 500:
    case 501:
    case 503:
    case 504:
      return value;
    default:
      return std::nullopt;
  }
}

}  // namespace gateway
