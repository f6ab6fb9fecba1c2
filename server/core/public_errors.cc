#include "server/core/public_errors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/rpc/log_line.h"
#include "proto/rpc/status_details.h"

namespace integrator::core {
namespace {

absl::Status NotFound(ResourceRef resource) {
  return rpc::WithResourceInfo(
      rpc::WithErrorInfo(
          absl::NotFoundError(absl::StrCat(resource.type, " not found")),
          absl::StrCat(absl::AsciiStrToUpper(resource.type), "_NOT_FOUND"),
          resource.type),
      resource.type, resource.id);
}

}  // namespace

absl::Status ServiceUnavailable() {
  return rpc::WithRetryInfo(
      absl::UnavailableError("the service is unavailable; retry later"),
      absl::Seconds(1));
}

absl::Status PublicStoreError(const absl::Status& status, ResourceRef resource,
                              absl::string_view integrator_id,
                              absl::string_view request_id) {
  if (absl::IsNotFound(status)) {
    if (status.message() == kIntegratorNotFound) {
      return NotFound({"integrator", integrator_id});
    }
    return NotFound(resource);
  }
  if (absl::IsResourceExhausted(status)) return status;
  rpc::LogLine()
      .Text("request_id", request_id)
      .Quoted("store_error", status.ToString())
      .Write();
  if (absl::IsUnavailable(status)) return ServiceUnavailable();
  return absl::InternalError("internal error");
}

}  // namespace integrator::core
