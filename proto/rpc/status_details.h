// Rich error statuses: absl::Status values that carry google.rpc details
// (ErrorInfo, ResourceInfo, BadRequest, ...) as payloads keyed by type URL,
// and their conversion to and from the grpc::Status on the wire.
//
// Contract: the server decides *what* went wrong and says it with these
// helpers; the gateway decides how it looks over HTTP. Both link this file and
// nothing else of each other: it knows only the generic google.rpc protos.
// Messages passed in must be safe to show a customer: fixed texts, never
// input bytes or secrets. ToGrpcStatus packs every payload into
// google.rpc.Status.details (the `grpc-status-details-bin` trailer);
// FromGrpcStatus unpacks them again, ignoring undecodable details.
//
// EXAMPLE:
//   return WithErrorInfo(absl::UnauthenticatedError("API key is not valid"),
//                        "INVALID_TOKEN", "auth",
//                        {{"realm", "integrator-api"}, {"scope", scope}});
//   ...
//   reactor->Finish(ToGrpcStatus(status));
#ifndef INTEGRATOR_PROTO_RPC_STATUS_DETAILS_H_
#define INTEGRATOR_PROTO_RPC_STATUS_DETAILS_H_

#include <grpcpp/support/status.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "google/protobuf/message.h"

namespace integrator::rpc {

using MetadataEntry = std::pair<absl::string_view, absl::string_view>;

// Attaches any google.rpc detail message as a payload.
absl::Status WithDetail(absl::Status status,
                        const google::protobuf::Message& detail);

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           absl::string_view domain,
                           std::initializer_list<MetadataEntry> metadata = {});

absl::Status WithResourceInfo(absl::Status status,
                              absl::string_view resource_type,
                              absl::string_view resource_name);

// A RetryInfo: when the caller may try again (REST: Retry-After).
absl::Status WithRetryInfo(absl::Status status, absl::Duration delay);

// One BadRequest field violation; `field` is the proto field path.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description);

grpc::Status ToGrpcStatus(const absl::Status& status);

absl::Status FromGrpcStatus(const grpc::Status& status);

// The detail of type T carried by `status`, if any.
template <typename T>
std::optional<T> GetDetail(const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload("type.googleapis.com/" + T::descriptor()->full_name());
  if (!payload.has_value()) return std::nullopt;
  T detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_STATUS_DETAILS_H_
