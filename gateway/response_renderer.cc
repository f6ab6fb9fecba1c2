#include "gateway/response_renderer.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::StatusOr<std::string> Print(const Message& message,
                                  bool print_defaults = true) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = print_defaults;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return absl::InternalError("the upstream response could not be rendered");
  }
  return json;
}

absl::Status Unrenderable() {
  return absl::InternalError("the upstream response could not be rendered");
}

// The JSON of a field left at its default: what the printer shows for it
// among a message's defaults, taken out through a Struct (a plain string,
// number or bool, so nothing is lost on the way).
absl::StatusOr<std::string> PrintDefault(const Message& only,
                                         const FieldDescriptor* field) {
  if (field->is_map()) return std::string("{}");
  if (field->is_repeated()) return std::string("[]");
  absl::StatusOr<std::string> all = Print(only);
  if (!all.ok()) return all.status();
  google::protobuf::Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(*all, &parsed).ok()) {
    return Unrenderable();
  }
  const auto value = parsed.fields().find(field->json_name());
  // A field with presence (proto3 `optional`) that is not set.
  if (value == parsed.fields().end()) return std::string("null");
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value->second, &json).ok()) {
    return Unrenderable();
  }
  return json;
}

// The JSON value of one field. Protobuf prints JSON only for whole
// messages, so the field is moved into a message of its own and printed
// without defaults: `{"<json_name>":<value>}`, cut to the value. This keeps
// Protobuf's exact rendering (int64 as strings, enums by name, bytes as
// base64, ...).
absl::StatusOr<std::string> PrintField(Message& response,
                                       const FieldDescriptor* field) {
  std::unique_ptr<Message> only(response.New());
  response.GetReflection()->SwapFields(&response, only.get(), {field});
  absl::StatusOr<std::string> json = Print(*only, /*print_defaults=*/false);
  if (!json.ok()) return json.status();
  if (*json == "{}") return PrintDefault(*only, field);
  const std::string prefix = absl::StrCat("{\"", field->json_name(), "\":");
  if (!absl::StartsWith(*json, prefix) || !absl::EndsWith(*json, "}") ||
      json->size() < prefix.size() + 2) {
    return Unrenderable();
  }
  return json->substr(prefix.size(), json->size() - prefix.size() - 1);
}

}  // namespace

absl::StatusOr<std::string> ResponseToJson(const RouteMethod& route,
                                           Message& response_message) {
  Message* response = &response_message;
  if (route.response_body.empty()) return Print(*response);
  const FieldDescriptor* field =
      response->GetDescriptor()->FindFieldByName(route.response_body);
  if (field == nullptr) {
    return absl::InternalError("the route's response_body is not a field");
  }
  const google::protobuf::Reflection& reflection = *response->GetReflection();
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !field->is_repeated()) {
    return Print(reflection.GetMessage(*response, field));
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !field->is_map()) {
    // Each element as a whole message, defaults included like any other.
    std::string json = "[";
    for (int i = 0; i < reflection.FieldSize(*response, field); ++i) {
      absl::StatusOr<std::string> element =
          Print(reflection.GetRepeatedMessage(*response, field, i));
      if (!element.ok()) return element.status();
      absl::StrAppend(&json, i == 0 ? "" : ",", *element);
    }
    absl::StrAppend(&json, "]");
    return json;
  }
  return PrintField(*response, field);
}

}  // namespace gateway
