#include "gateway/request_binder.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/field_setter.h"
#include "gateway/gateway_error.h"
#include "gateway/json_depth.h"
#include "gateway/json_shape.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/util/json_util.h"

namespace gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

enum class BodyKind { kJson, kForm };

bool IsValidUtf8(absl::string_view text) {
  return text.size() <= static_cast<size_t>(INT32_MAX) &&
         google::protobuf::internal::IsStructurallyValidUTF8(
             text.data(), static_cast<int>(text.size()));
}

absl::StatusOr<BodyKind> ClassifyContentType(absl::string_view content_type) {
  const absl::string_view media =
      absl::StripAsciiWhitespace(content_type.substr(
          0, std::min(content_type.find(';'), content_type.size())));
  if (absl::EqualsIgnoreCase(media, "application/json")) return BodyKind::kJson;
  if (absl::EqualsIgnoreCase(media, "application/x-www-form-urlencoded")) {
    return BodyKind::kForm;
  }
  if (absl::EqualsIgnoreCase(media, "multipart/form-data")) {
    return GatewayError(
        415, "UNSUPPORTED_MEDIA_TYPE",
        "multipart/form-data is not supported yet; send "
        "application/json or application/x-www-form-urlencoded");
  }
  return GatewayError(415, "UNSUPPORTED_MEDIA_TYPE",
                      "send the body as application/json or "
                      "application/x-www-form-urlencoded");
}

// Splits `a=1&b=2` into decoded pairs ('+' is a space, as in HTML forms).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ParseUrlEncoded(absl::string_view text, size_t max_pairs,
                absl::string_view what) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    if (out.size() == max_pairs) {
      return GatewayError(400, "INVALID_REQUEST",
                          absl::StrCat("too many ", what));
    }
    const size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    absl::StatusOr<std::string> k =
        PercentDecode(key, /*keep_reserved_slash=*/false);
    absl::StatusOr<std::string> v =
        PercentDecode(value, /*keep_reserved_slash=*/false);
    if (!k.ok() || !v.ok()) {
      return GatewayError(
          400, "INVALID_REQUEST",
          absl::StrCat("the ", what, " have a malformed percent escape"));
    }
    if (!IsValidUtf8(*k) || !IsValidUtf8(*v)) {
      return GatewayError(400, "INVALID_ENCODING",
                          absl::StrCat("the ", what, " are not valid UTF-8"));
    }
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

absl::Status SetPairs(
    Message* message,
    const std::vector<std::pair<std::string, std::string>>& pairs,
    const std::set<const FieldDescriptor*>& forbidden, absl::string_view where,
    std::set<const FieldDescriptor*>* seen) {
  for (const auto& [key, value] : pairs) {
    std::vector<std::string> path = absl::StrSplit(key, '.');
    const FieldDescriptor* field =
        FindFieldPath(message->GetDescriptor(), path);
    if (field == nullptr || forbidden.count(field) > 0)
      return GatewayUnknownFieldError(key, where);
    if (absl::Status s = SetFieldFromText(message, path, value, seen);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Explains why Protobuf refused `json`, without ever showing its parser's
// message (it quotes the input): not JSON, not an object, or the first field
// that is unknown or of the wrong JSON type.
absl::Status DiagnoseJsonBody(const google::protobuf::Descriptor& type,
                              google::protobuf::StringPiece json) {
  google::protobuf::Value parsed;
  if (!google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) {
    return GatewayError(400, "MALFORMED_JSON",
                        "the request body is not valid JSON");
  }
  if (parsed.kind_case() != google::protobuf::Value::kStructValue) {
    return GatewayError(400, "INVALID_BODY",
                        "the request body must be a JSON object");
  }
  if (absl::Status s = CheckJsonShape(parsed.struct_value(), type); !s.ok()) {
    return s;
  }
  return GatewayError(400, "INVALID_BODY",
                      "the request body does not match the request's schema");
}

// Parses the JSON body into `target`, which must still be empty. The valid
// case costs one parse; only a refused body is parsed again to explain why.
absl::Status ParseJsonBody(Message* target, absl::string_view body) {
  if (!IsValidUtf8(body)) {
    return GatewayError(400, "INVALID_ENCODING",
                        "the request body is not valid UTF-8");
  }
  if (absl::Status s = CheckJsonDepth(body, kMaxJsonDepth); !s.ok()) return s;
  const google::protobuf::StringPiece json(body.data(), body.size());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (google::protobuf::util::JsonStringToMessage(json, target, options).ok()) {
    return absl::OkStatus();
  }
  target->Clear();
  return DiagnoseJsonBody(*target->GetDescriptor(), json);
}

// Parses a body that is one JSON value (an array, a string, a number...)
// into `field`, a repeated, map or scalar field named by `body`. Protobuf
// reads fields only inside an object, so the value is put into one
// ({"<json_name>": <body>}) after checking that it is exactly one JSON
// value: nothing in the body can reach another field.
absl::Status ParseJsonBodyIntoField(Message* message,
                                    const FieldDescriptor* field,
                                    absl::string_view body) {
  if (!IsValidUtf8(body)) {
    return GatewayError(400, "INVALID_ENCODING",
                        "the request body is not valid UTF-8");
  }
  if (absl::Status s = CheckJsonDepth(body, kMaxJsonDepth - 1); !s.ok()) {
    return s;
  }
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &value)
           .ok()) {
    return GatewayError(400, "MALFORMED_JSON",
                        "the request body is not valid JSON");
  }
  // The key as a JSON string written by Protobuf (a descriptor from
  // reflection or a descriptor set may hold any json_name).
  google::protobuf::Value key;
  key.set_string_value(field->json_name());
  std::string quoted_key;
  if (!google::protobuf::util::MessageToJsonString(key, &quoted_key).ok()) {
    return absl::InternalError("the body field's name cannot be written");
  }
  const std::string wrapped = absl::StrCat("{", quoted_key, ":", body, "}");
  std::unique_ptr<Message> scratch(message->New());
  if (!google::protobuf::util::JsonStringToMessage(wrapped, scratch.get())
           .ok()) {
    return GatewayFieldError(
        field->json_name(),
        absl::StrCat("the request body does not match ", field->json_name()));
  }
  message->GetReflection()->SwapFields(message, scratch.get(), {field});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Message>> BindRequest(
    const RouteMethod& route, absl::string_view content_type,
    absl::string_view body, absl::string_view query,
    const std::vector<VariableBinding>& bindings) {
  std::unique_ptr<Message> message(route.request_prototype->New());
  std::set<const FieldDescriptor*> seen;
  std::set<const FieldDescriptor*> set_by_body;

  // An empty body sets nothing, as in grpc-gateway and Envoy: the API's
  // own validation says what was required.
  if (!route.body_field.empty() && !body.empty()) {
    absl::StatusOr<BodyKind> kind = ClassifyContentType(content_type);
    if (!kind.ok()) return kind.status();
    Message* target = message.get();
    const FieldDescriptor* field =
        route.body_field == "*"
            ? nullptr
            : message->GetDescriptor()->FindFieldByName(route.body_field);
    if (field != nullptr) set_by_body.insert(field);
    const bool whole_message =
        field == nullptr ||
        (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         !field->is_repeated() && !field->is_map());
    if (field != nullptr && whole_message) {
      target = message->GetReflection()->MutableMessage(message.get(), field);
    }
    if (!whole_message) {
      if (*kind != BodyKind::kJson) {
        return GatewayError(415, "UNSUPPORTED_MEDIA_TYPE",
                            "this route takes a JSON value as its body; send "
                            "application/json");
      }
      if (absl::Status s = ParseJsonBodyIntoField(message.get(), field, body);
          !s.ok()) {
        return s;
      }
    } else if (*kind == BodyKind::kJson) {
      if (absl::Status s = ParseJsonBody(target, body); !s.ok()) return s;
    } else {
      absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
          ParseUrlEncoded(body, kMaxFormFields, "form fields");
      if (!pairs.ok()) return pairs.status();
      std::set<const FieldDescriptor*> form_seen;
      if (absl::Status s =
              SetPairs(target, *pairs, {}, "form body", &form_seen);
          !s.ok()) {
        return s;
      }
    }
  } else if (route.body_field.empty() && !body.empty()) {
    return GatewayError(400, "INVALID_BODY",
                        "this route takes no request body");
  }

  if (!query.empty()) {
    if (route.body_field == "*") {
      return GatewayError(400, "UNKNOWN_FIELD",
                          "this route takes all its fields from the body, not "
                          "from query parameters");
    }
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
        ParseUrlEncoded(query, kMaxQueryParameters, "query parameters");
    if (!pairs.ok()) return pairs.status();
    std::set<const FieldDescriptor*> forbidden = set_by_body;
    for (const VariableBinding& binding : bindings) {
      forbidden.insert(
          FindFieldPath(message->GetDescriptor(), binding.field_path));
    }
    if (absl::Status s =
            SetPairs(message.get(), *pairs, forbidden, "query", &seen);
        !s.ok()) {
      return s;
    }
  }

  for (const VariableBinding& binding : bindings) {
    if (!IsValidUtf8(binding.value)) {
      return GatewayError(400, "INVALID_ENCODING",
                          "the path is not valid UTF-8");
    }
    std::set<const FieldDescriptor*> path_seen;
    // The path wins over the body: clear what the body set, in the message
    // that holds the field (a nested path such as {book.id} included).
    ClearFieldPath(message.get(), binding.field_path);
    if (absl::Status s = SetFieldFromText(message.get(), binding.field_path,
                                          binding.value, &path_seen);
        !s.ok()) {
      return s;
    }
  }
  return message;
}

}  // namespace gateway
