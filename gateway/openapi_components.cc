#include "gateway/openapi_components.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/openapi_json.h"

namespace gateway {
namespace {

using google::protobuf::Value;

constexpr absl::string_view kProblemRef = "#/components/schemas/Problem";

// The problem responses every operation lists: status, component, text.
constexpr absl::string_view kProblemResponses[][3] = {
    {"400", "BadRequest",
     "The request is invalid: a body, query or path that cannot be read, an "
     "unknown field, or a field that breaks the API's rules (`field` and "
     "`errors` name it)."},
    {"401", "Unauthorized",
     "No credentials, or ones that are bad, expired or revoked."},
    {"403", "Forbidden", "The credentials do not allow this operation."},
    {"404", "NotFound", "No such resource (`resourceType`, `resourceId`)."},
    {"500", "InternalError",
     "The server failed; the detail is fixed and says nothing more."},
    {"503", "ServiceUnavailable",
     "The service is unavailable for now (starting, draining, or its "
     "upstream is down); retry later, after Retry-After when it is given."},
};

Value TypedSchema(absl::string_view type, absl::string_view description) {
  Value schema;
  SetMember(schema, "type", JsonString(type));
  if (!description.empty()) {
    SetMember(schema, "description", JsonString(description));
  }
  return schema;
}

Value ProblemSchema() {
  Value schema = TypedSchema(
      "object",
      "An error, as RFC 9457 problem details. Members other than these may "
      "come from the error's metadata.");
  Value properties;
  Value type = TypedSchema(
      "string",
      "urn:problem-type:<domain>:<reason>, or about:blank when the error "
      "has no reason.");
  SetMember(type, "format", JsonString("uri-reference"));
  SetMember(properties, "type", std::move(type));
  SetMember(properties, "title",
            TypedSchema("string",
                        "The reason in words, else the HTTP "
                        "reason phrase."));
  Value status = TypedSchema("integer", "The HTTP status code.");
  SetMember(status, "minimum", JsonNumber(100));
  SetMember(status, "maximum", JsonNumber(599));
  SetMember(properties, "status", std::move(status));
  SetMember(properties, "detail",
            TypedSchema("string",
                        "What went wrong, for a person; fixed text "
                        "for server errors."));
  Value instance = TypedSchema(
      "string", "urn:uuid:<request id>, as in the X-Request-Id header.");
  SetMember(instance, "format", JsonString("uri-reference"));
  SetMember(properties, "instance", std::move(instance));
  SetMember(properties, "realm",
            TypedSchema("string", "The realm of the failed authentication."));
  SetMember(properties, "scope",
            TypedSchema("string", "The scope that the operation needs."));
  SetMember(properties, "resourceType",
            TypedSchema("string", "The type of the resource not found."));
  SetMember(properties, "resourceId",
            TypedSchema("string", "The name or id of that resource."));
  SetMember(properties, "field",
            TypedSchema("string", "The JSON path of the first invalid field."));
  Value error = TypedSchema("object", "");
  Value error_properties;
  SetMember(error_properties, "field",
            TypedSchema("string", "The field's JSON path."));
  SetMember(error_properties, "detail",
            TypedSchema("string", "What is wrong with it."));
  SetMember(error, "properties", std::move(error_properties));
  SetMember(error, "required",
            JsonList({JsonString("field"), JsonString("detail")}));
  Value errors = TypedSchema("array", "Every invalid field.");
  SetMember(errors, "items", std::move(error));
  SetMember(properties, "errors", std::move(errors));
  SetMember(properties, "retryable",
            TypedSchema("boolean",
                        "Present (true) when a retry may succeed, "
                        "after Retry-After."));
  SetMember(schema, "properties", std::move(properties));
  SetMember(schema, "required",
            JsonList({JsonString("type"), JsonString("title"),
                      JsonString("status")}));
  return schema;
}

Value ProblemResponse(absl::string_view status, absl::string_view text) {
  Value media;
  SetMember(media, "schema", JsonRef(kProblemRef));
  Value content;
  SetMember(content, "application/problem+json", media);
  // Sent when the client's Accept excludes application/problem+json.
  SetMember(content, "application/json", media);
  Value response;
  SetMember(response, "description", JsonString(text));
  SetMember(response, "content", std::move(content));
  Value headers = RequestIdHeaders();
  if (status == "401" || status == "403") {
    SetMember(headers, "WWW-Authenticate",
              JsonRef("#/components/headers/WWW-Authenticate"));
  }
  if (status == "503" || status.empty()) {
    SetMember(headers, "Retry-After",
              JsonRef("#/components/headers/Retry-After"));
  }
  SetMember(response, "headers", std::move(headers));
  return response;
}

Value HeaderComponent(absl::string_view type, absl::string_view description) {
  Value header;
  SetMember(header, "description", JsonString(description));
  SetMember(header, "schema", TypedSchema(type, ""));
  return header;
}

Value ApiKeyHeader(absl::string_view header, absl::string_view description) {
  Value scheme;
  SetMember(scheme, "type", JsonString("apiKey"));
  SetMember(scheme, "in", JsonString("header"));
  SetMember(scheme, "name", JsonString(header));
  SetMember(scheme, "description", JsonString(description));
  return scheme;
}

Value SecuritySchemes() {
  Value schemes;
  Value bearer;
  SetMember(bearer, "type", JsonString("http"));
  SetMember(bearer, "scheme", JsonString("bearer"));
  SetMember(bearer, "bearerFormat", JsonString("API key"));
  SetMember(bearer, "description",
            JsonString("An API key: `Authorization: Bearer <key>`."));
  SetMember(schemes, "bearerAuth", std::move(bearer));
  SetMember(schemes, "hmacAuth",
            ApiKeyHeader("X-Signature",
                         "A signed request: the signature of the timestamp, "
                         "the method, the target as sent and the SHA-256 of "
                         "the body, with X-Integrator-Key and X-Timestamp."));
  SetMember(schemes, "integratorKey",
            ApiKeyHeader("X-Integrator-Key",
                         "The key whose secret signed the request."));
  SetMember(schemes, "timestamp",
            ApiKeyHeader("X-Timestamp",
                         "When the request was signed, in Unix milliseconds."));
  return schemes;
}

}  // namespace

Value ProblemResponseRefs() {
  Value responses;
  for (const auto& [status, name, unused] : kProblemResponses) {
    SetMember(responses, status,
              JsonRef(absl::StrCat("#/components/responses/", name)));
  }
  SetMember(responses, "default", JsonRef("#/components/responses/Problem"));
  return responses;
}

Value SecurityRequirement() {
  Value signed_request;
  for (absl::string_view scheme : {"hmacAuth", "integratorKey", "timestamp"}) {
    SetMember(signed_request, scheme, JsonList({}));
  }
  Value bearer;
  SetMember(bearer, "bearerAuth", JsonList({}));
  return JsonList({std::move(bearer), std::move(signed_request)});
}

Value RequestIdHeaders() {
  Value headers;
  SetMember(headers, "X-Request-Id",
            JsonRef("#/components/headers/X-Request-Id"));
  return headers;
}

void AddGatewayComponents(Value& components) {
  Value& schemas =
      (*components.mutable_struct_value()->mutable_fields())["schemas"];
  SetMember(schemas, "Problem", ProblemSchema());
  Value responses;
  for (const auto& [status, name, text] : kProblemResponses) {
    SetMember(responses, name, ProblemResponse(status, text));
  }
  SetMember(responses, "Problem", ProblemResponse("", "An error."));
  SetMember(components, "responses", std::move(responses));
  Value headers;
  Value request_id = HeaderComponent(
      "string",
      "The request's id: the one the client sent when it is a canonical "
      "UUID, else a new one; the problem's `instance` and the log line "
      "carry it too.");
  Value uuid = TypedSchema("string", "");
  SetMember(uuid, "format", JsonString("uuid"));
  SetMember(request_id, "schema", std::move(uuid));
  SetMember(headers, "X-Request-Id", std::move(request_id));
  SetMember(headers, "WWW-Authenticate",
            HeaderComponent("string", "An RFC 6750 Bearer challenge."));
  SetMember(headers, "Retry-After",
            HeaderComponent("integer", "Seconds to wait before a retry."));
  SetMember(components, "headers", std::move(headers));
  SetMember(components, "securitySchemes", SecuritySchemes());
}

}  // namespace gateway
