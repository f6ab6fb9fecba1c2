#include "gateway/openapi_document.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/field_setter.h"
#include "gateway/http_template.h"
#include "gateway/openapi_components.h"
#include "gateway/openapi_json.h"
#include "gateway/openapi_schema.h"
#include "google/protobuf/descriptor.pb.h"

namespace gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

// Beyond this depth of singular message fields, query parameters are not
// listed (the binder still takes them): a bound on recursive requests.
constexpr int kMaxQueryDepth = 8;

Value TypedSchema(absl::string_view type, absl::string_view description) {
  Value schema;
  SetMember(schema, "type", JsonString(type));
  if (!description.empty()) {
    SetMember(schema, "description", JsonString(description));
  }
  return schema;
}

// --- Paths and parameters.

std::string RegexEscape(absl::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-' && c != '~' && c != '%') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

std::string SegmentsPattern(const std::vector<std::string>& segments, int begin,
                            int end) {
  std::vector<std::string> parts;
  for (int i = begin; i < end; ++i) {
    parts.push_back(segments[i] == HttpTemplate::kSingleWildcard ? "[^/]+"
                    : segments[i] == HttpTemplate::kMultiWildcard
                        ? ".+"
                        : RegexEscape(segments[i]));
  }
  return absl::StrCat("^", absl::StrJoin(parts, "/"), "$");
}

Value Parameter(absl::string_view name, absl::string_view in, bool required,
                Value schema) {
  Value parameter;
  SetMember(parameter, "name", JsonString(name));
  SetMember(parameter, "in", JsonString(in));
  if (required) SetMember(parameter, "required", JsonBool(true));
  // The description belongs to the parameter, not to its schema.
  if (schema.has_struct_value()) {
    auto& fields = *schema.mutable_struct_value()->mutable_fields();
    if (auto it = fields.find("description"); it != fields.end()) {
      SetMember(parameter, "description", it->second);
      fields.erase(it);
    }
  }
  SetMember(parameter, "schema", std::move(schema));
  return parameter;
}

// The template as an OpenAPI path; its path parameters go to `parameters`
// and the fields they bind to `bound`.
std::string OpenApiPath(const HttpTemplate& tmpl, const Descriptor& request,
                        OpenApiSchemas& schemas, std::vector<Value>& parameters,
                        std::set<const FieldDescriptor*>& bound) {
  const std::vector<std::string>& segments = tmpl.segments();
  std::vector<std::string> parts;
  int unnamed = 0;
  for (int i = 0; i < static_cast<int>(segments.size());) {
    const HttpTemplate::Variable* variable = nullptr;
    for (const HttpTemplate::Variable& v : tmpl.variables()) {
      if (v.start_segment == i) variable = &v;
    }
    if (variable == nullptr && segments[i] != HttpTemplate::kSingleWildcard &&
        segments[i] != HttpTemplate::kMultiWildcard) {
      parts.push_back(segments[i]);
      ++i;
      continue;
    }
    const int end = variable != nullptr ? variable->end_segment : i + 1;
    std::string name;
    Value schema;
    if (variable != nullptr) {
      name = absl::StrJoin(variable->field_path, ".");
      // The route table checked that the path names a scalar field.
      const FieldDescriptor* field =
          FindFieldPath(&request, variable->field_path);
      if (field != nullptr) {
        bound.insert(field);
        schema = schemas.FieldSchema(*field, /*with_description=*/true);
      }
    } else {
      // A wildcard bound to no field: matched, then ignored.
      name = absl::StrCat("_segment", ++unnamed);
      schema = TypedSchema("string", "Any path segment; not read.");
    }
    if (!schema.has_struct_value()) schema = TypedSchema("string", "");
    if (end - i > 1 || segments[i] != HttpTemplate::kSingleWildcard) {
      SetMember(schema, "pattern",
                JsonString(SegmentsPattern(segments, i, end)));
    }
    parts.push_back(absl::StrCat("{", name, "}"));
    parameters.push_back(Parameter(name, "path", true, std::move(schema)));
    i = end;
  }
  std::string path = absl::StrCat("/", absl::StrJoin(parts, "/"));
  if (!tmpl.verb().empty()) absl::StrAppend(&path, ":", tmpl.verb());
  return path;
}

void AddQueryParameters(const Descriptor& type, absl::string_view prefix,
                        const std::set<const FieldDescriptor*>& excluded,
                        OpenApiSchemas& schemas,
                        std::vector<const Descriptor*>& stack,
                        std::vector<Value>& parameters) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (excluded.count(&field) > 0) continue;
    const std::string name = absl::StrCat(prefix, field.json_name());
    if (IsTextField(field)) {
      parameters.push_back(
          Parameter(name, "query", IsRequiredField(field),
                    schemas.FieldSchema(field, /*with_description=*/true)));
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               !field.is_repeated() &&
               static_cast<int>(stack.size()) < kMaxQueryDepth &&
               std::find(stack.begin(), stack.end(), field.message_type()) ==
                   stack.end()) {
      stack.push_back(field.message_type());
      AddQueryParameters(*field.message_type(), absl::StrCat(name, "."),
                         excluded, schemas, stack, parameters);
      stack.pop_back();
    }
  }
}

// --- Operations.

std::string FirstSentence(absl::string_view text) {
  size_t end = text.size();
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '.' && (text[i + 1] == ' ' || text[i + 1] == '\n')) {
      end = i + 1;
      break;
    }
  }
  std::string sentence(text.substr(0, end));
  std::replace(sentence.begin(), sentence.end(), '\n', ' ');
  return sentence;
}

Value JsonContent(Value schema) {
  Value media;
  SetMember(media, "schema", std::move(schema));
  Value content;
  SetMember(content, "application/json", std::move(media));
  return content;
}

Value Operation(const Route& route, const HttpTemplate& tmpl,
                const OpenApiOptions& options, OpenApiSchemas& schemas,
                std::set<std::string>& operation_ids, std::string& path) {
  const google::protobuf::MethodDescriptor& method = *route.method.method;
  const Descriptor& request = *method.input_type();
  Value operation;

  std::vector<Value> parameters;
  std::set<const FieldDescriptor*> bound;
  path = OpenApiPath(tmpl, request, schemas, parameters, bound);
  const std::string& body = route.method.body_field;
  const FieldDescriptor* body_field =
      body.empty() || body == "*" ? nullptr : request.FindFieldByName(body);
  if (body != "*") {
    std::set<const FieldDescriptor*> excluded = bound;
    if (body_field != nullptr) excluded.insert(body_field);
    std::vector<const Descriptor*> stack = {&request};
    AddQueryParameters(request, "", excluded, schemas, stack, parameters);
  }
  if (!parameters.empty()) {
    SetMember(operation, "parameters", JsonList(std::move(parameters)));
  }
  if (!body.empty()) {
    std::set<const FieldDescriptor*> omitted;
    for (const FieldDescriptor* field : bound) {
      if (field->containing_type() == &request) omitted.insert(field);
    }
    // The gateway reads an empty body as {} (request_binder.h), so a body
    // is required only when a field in it is.
    const Descriptor* body_type = body_field == nullptr ? &request
                                  : body_field->is_repeated()
                                      ? nullptr
                                      : body_field->message_type();
    bool required = body_field != nullptr && IsRequiredField(*body_field);
    for (int i = 0; body_type != nullptr && i < body_type->field_count(); ++i) {
      required |= omitted.count(body_type->field(i)) == 0 &&
                  IsRequiredField(*body_type->field(i));
    }
    Value request_body;
    SetMember(request_body, "required", JsonBool(required));
    SetMember(
        request_body, "content",
        JsonContent(body_field != nullptr
                        ? schemas.FieldSchema(*body_field, true)
                        : schemas.MessageSchemaWithout(request, omitted)));
    SetMember(operation, "requestBody", std::move(request_body));
  }

  const Descriptor& response = *method.output_type();
  const FieldDescriptor* response_field =
      route.method.response_body.empty()
          ? nullptr
          : response.FindFieldByName(route.method.response_body);
  Value ok;
  SetMember(ok, "description", JsonString("OK"));
  SetMember(ok, "headers", RequestIdHeaders());
  SetMember(ok, "content",
            JsonContent(response_field != nullptr
                            ? schemas.FieldSchema(*response_field, true)
                            : schemas.MessageSchema(response)));
  Value responses = ProblemResponseRefs();
  SetMember(responses, "200", std::move(ok));
  SetMember(operation, "responses", std::move(responses));

  std::string id = method.name();
  for (int n = 2; !operation_ids.insert(id).second; ++n) {
    id = absl::StrCat(method.name(), n);
  }
  SetMember(operation, "operationId", JsonString(id));
  const std::string comment = ProtoComment(options.documentation, method);
  if (!comment.empty()) {
    SetMember(operation, "summary", JsonString(FirstSentence(comment)));
    SetMember(operation, "description", JsonString(comment));
  }
  SetMember(operation, "tags",
            JsonList({JsonString(method.service()->name())}));
  if (method.options().deprecated()) {
    SetMember(operation, "deprecated", JsonBool(true));
  }
  SetMember(operation, "security", SecurityRequirement());
  return operation;
}

}  // namespace

absl::StatusOr<std::string> RenderOpenApiDocument(
    const RouteTable& routes, const OpenApiOptions& options) {
  OpenApiSchemas schemas(options.documentation);
  Value paths;
  paths.mutable_struct_value();
  std::set<std::string> operation_ids;
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const Route& route : routes.routes()) {
    const std::string verb = absl::AsciiStrToLower(route.http_method);
    constexpr absl::string_view kOpenApiMethods[] = {
        "get", "put", "post", "delete", "patch", "head", "options", "trace"};
    if (std::find(std::begin(kOpenApiMethods), std::end(kOpenApiMethods),
                  verb) == std::end(kOpenApiMethods)) {
      continue;
    }
    absl::StatusOr<HttpTemplate> tmpl =
        HttpTemplate::Parse(route.method.http_template);
    if (!tmpl.ok()) return tmpl.status();
    std::string path;
    Value operation =
        Operation(route, *tmpl, options, schemas, operation_ids, path);
    auto& item = (*paths.mutable_struct_value()->mutable_fields())[path];
    if (item.has_struct_value() &&
        item.struct_value().fields().count(verb) > 0) {
      continue;  // Two templates that OpenAPI spells alike: the first wins.
    }
    SetMember(item, verb, std::move(operation));
    const auto* service = route.method.method->service();
    if (std::find(services.begin(), services.end(), service) ==
        services.end()) {
      services.push_back(service);
    }
  }

  Value document;
  SetMember(document, "openapi", JsonString("3.1.0"));
  Value info;
  SetMember(info, "title", JsonString(options.title));
  SetMember(info, "version", JsonString(options.version));
  SetMember(document, "info", std::move(info));
  std::vector<Value> tags;
  for (const auto* service : services) {
    Value tag;
    SetMember(tag, "name", JsonString(service->name()));
    if (std::string text = ProtoComment(options.documentation, *service);
        !text.empty()) {
      SetMember(tag, "description", JsonString(text));
    }
    tags.push_back(std::move(tag));
  }
  if (!tags.empty()) SetMember(document, "tags", JsonList(std::move(tags)));
  SetMember(document, "paths", std::move(paths));

  Value components;
  Value component_schemas;
  *component_schemas.mutable_struct_value() = schemas.Components();
  SetMember(components, "schemas", std::move(component_schemas));
  AddGatewayComponents(components);
  SetMember(document, "components", std::move(components));

  return PrintJson(document);
}

}  // namespace gateway
