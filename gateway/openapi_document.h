// The OpenAPI 3.1 document of a compiled route table: what `GET
// /openapi.json` serves. It is generated from the same RouteTable that
// routes requests, so the document cannot drift from the routes, and it
// knows no particular service.
//
// Contract:
// - One operation per served route (RouteTable::routes(), additional
//   bindings included). The template's variables become required path
//   parameters named by their field paths ("{shelf.id}"); a variable bound to
//   several segments ("{name=shelves/*}") is one parameter with a `pattern`;
//   a custom verb (":enable") stays in the path. Routes whose HTTP method
//   OpenAPI cannot name (custom kinds other than HEAD, OPTIONS, TRACE), and a
//   second route on the same OpenAPI path and method, are left out.
// - Query parameters, as request_binder.h reads them: unless `body` is "*",
//   every field that proto3 JSON reads from a string (scalars, enums,
//   repeated ones, Timestamp, Duration, FieldMask, wrappers), reached through
//   singular message fields, under its JSON name path ("shelf.theme"), except
//   those bound by the path or the body.
// - The request body (application/json): for "*" the request message
//   without the fields bound by the path; else the named field. It is
//   required only when a field in it is (field_schema `required`): the
//   gateway reads an empty body as {}. The 200 response: the response
//   message, or its `response_body` field.
// - operationId: the RPC name, made unique with a number (additional
//   bindings); summary: the method comment's first sentence; description:
//   the whole comment; tags: the service's short name.
// - Security: Bearer API keys, or the signed-request headers the gateway
//   forwards (X-Signature with X-Integrator-Key and X-Timestamp).
// - Errors: one RFC 9457 `Problem` schema as problem_renderer.h writes it,
//   served as application/problem+json or application/json; every
//   operation lists 400, 401, 403, 404, 500, 503 and `default`. Every
//   response declares the X-Request-Id header.
// - Schemas as openapi_schema.h describes them. The text is deterministic:
//   object keys sorted, arrays in route and declaration order, two-space
//   indentation, integers without a fraction.
// Errors: InvalidArgument when a number cannot be printed as JSON (a NaN
// or infinite bound in a field option). Thread-safe: no shared state.
//
// EXAMPLE:
//   absl::StatusOr<std::string> json = RenderOpenApiDocument(
//       *routes, {.title = "Integrator API", .version = "1.4.0"});
#ifndef GATEWAY_OPENAPI_DOCUMENT_H_
#define GATEWAY_OPENAPI_DOCUMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/route_table.h"
#include "google/protobuf/descriptor.h"

namespace gateway {

struct OpenApiOptions {
  std::string title = "API";
  std::string version = "0.0.0";
  // Where proto comments are found, by full name (a pool built from a
  // descriptor set with source info); null: the routes' own descriptors.
  const google::protobuf::DescriptorPool* documentation = nullptr;
};

// The OpenAPI 3.1 document of `routes`, as JSON text.
absl::StatusOr<std::string> RenderOpenApiDocument(
    const RouteTable& routes, const OpenApiOptions& options);

}  // namespace gateway

#endif  // GATEWAY_OPENAPI_DOCUMENT_H_
