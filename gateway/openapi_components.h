// The parts of the OpenAPI document that the gateway itself defines, the
// same for every API it serves: the RFC 9457 `Problem` schema and the
// problem responses (problem_renderer.h), the X-Request-Id header, and the
// security schemes of the credentials it forwards (header_policy.h:
// Authorization, and X-Signature with X-Integrator-Key and X-Timestamp).
//
// Contract: AddGatewayComponents adds `Problem` to components.schemas and
// fills components.responses, .headers and .securitySchemes; the other
// functions return the references to them that an operation carries. The
// Problem members are those RenderProblem writes (errors[] entries are
// {field, detail}); problem responses are application/problem+json, or
// application/json when the client's Accept excludes it.
//
// EXAMPLE:
//   SetMember(operation, "responses", ProblemResponseRefs());
//   SetMember(operation, "security", SecurityRequirement());
//   AddGatewayComponents(components);
#ifndef GATEWAY_OPENAPI_COMPONENTS_H_
#define GATEWAY_OPENAPI_COMPONENTS_H_

#include "google/protobuf/struct.pb.h"

namespace gateway {

// {"400": {"$ref": "#/components/responses/BadRequest"}, ..., "default": ...}
// for 400, 401, 403, 404, 500 and 503.
google::protobuf::Value ProblemResponseRefs();

// [{bearerAuth: []}, {hmacAuth: [], integratorKey: [], timestamp: []}]
google::protobuf::Value SecurityRequirement();

// {"X-Request-Id": {"$ref": ...}}, for a response's `headers`.
google::protobuf::Value RequestIdHeaders();

// `components` is an object, possibly with `schemas` already.
void AddGatewayComponents(google::protobuf::Value& components);

}  // namespace gateway

#endif  // GATEWAY_OPENAPI_COMPONENTS_H_
