// Renders an upstream response message as the HTTP response body: proto3's
// JSON mapping of the whole message, or of the field that the rule's
// `response_body` names.
//
// Contract: fields are printed under their JSON names, with default values
// included (a client sees every field). `response_body` may name any field
// of the response (http.proto): a singular message prints as its object, a
// repeated field as a JSON array (`[]` when empty; message elements with
// their defaults), a map as an object, and a scalar as its JSON value. The
// bytes are Protobuf's own printer output.
//
// EXAMPLE:
//   absl::StatusOr<std::string> json = ResponseToJson(route, *response);
//   // route.response_body == "books" -> [{"id":"1","title":"..."}]
#ifndef GATEWAY_RESPONSE_RENDERER_H_
#define GATEWAY_RESPONSE_RENDERER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"

namespace gateway {

// `response` is of the route's response type; rendering may move fields
// out of it.
absl::StatusOr<std::string> ResponseToJson(const RouteMethod& route,
                                           google::protobuf::Message& response);

}  // namespace gateway

#endif  // GATEWAY_RESPONSE_RENDERER_H_
