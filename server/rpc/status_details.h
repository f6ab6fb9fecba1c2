// Rich error statuses: absl::Status values that carry google.rpc details
// (ErrorInfo, ResourceInfo, BadRequest) as payloads, and their conversion to
// the grpc::Status a client receives.
//
// Contract: the server decides *what* went wrong and says it with these
// helpers; the gateway decides how it looks over HTTP. Messages passed in must
// be safe to show a customer: fixed texts, never input bytes or secrets.
// ToGrpcStatus packs every payload whose type URL names a google.rpc message
// into google.rpc.Status.details, in the `grpc-status-details-bin` trailer.
//
// EXAMPLE:
//   return WithErrorInfo(absl::UnauthenticatedError("API key is not valid"),
//                        "INVALID_TOKEN", "auth",
//                        {{"realm", "integrator-api"}, {"scope", scope}});
//   ...
//   reactor->Finish(ToGrpcStatus(status));
#ifndef INTEGRATOR_SERVER_RPC_STATUS_DETAILS_H_
#define INTEGRATOR_SERVER_RPC_STATUS_DETAILS_H_

#include <grpcpp/support/status.h>

#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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

// One BadRequest field violation; `field` is the proto field path.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description);

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_STATUS_DETAILS_H_
