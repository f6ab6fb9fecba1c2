#include "gateway/json_shape.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/field_setter.h"
#include "gateway/gateway_error.h"

namespace gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

std::string Join(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

absl::Status CheckObject(const Struct& object, const Descriptor& type,
                         absl::string_view prefix, int depth);

absl::Status Mismatch(const std::string& path, absl::string_view expected) {
  return GatewayFieldError(path, absl::StrCat(path, " must be ", expected));
}

// Checks one (non-repeated) value against a field's element type.
absl::Status CheckElement(const Value& value, const FieldDescriptor& field,
                          const std::string& path, int depth) {
  const Value::KindCase kind = value.kind_case();
  if (kind == Value::kNullValue) return absl::OkStatus();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return kind == Value::kStringValue ? absl::OkStatus()
                                         : Mismatch(path, "a string");
    case FieldDescriptor::CPPTYPE_BOOL:
      return kind == Value::kBoolValue ? absl::OkStatus()
                                       : Mismatch(path, "true or false");
    case FieldDescriptor::CPPTYPE_ENUM:
      return kind == Value::kStringValue || kind == Value::kNumberValue
                 ? absl::OkStatus()
                 : Mismatch(path, "an enum name");
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor& message = *field.message_type();
      if (absl::StartsWith(message.full_name(), "google.protobuf.")) {
        return absl::OkStatus();
      }
      if (kind != Value::kStructValue) return Mismatch(path, "an object");
      return CheckObject(value.struct_value(), message, path, depth + 1);
    }
    default:  // numbers
      return kind == Value::kNumberValue || kind == Value::kStringValue
                 ? absl::OkStatus()
                 : Mismatch(path, "a number");
  }
}

absl::Status CheckField(const Value& value, const FieldDescriptor& field,
                        const std::string& path, int depth) {
  if (value.kind_case() == Value::kNullValue) return absl::OkStatus();
  if (field.is_map()) {
    if (value.kind_case() != Value::kStructValue)
      return Mismatch(path, "an object");
    const FieldDescriptor& map_value = *field.message_type()->map_value();
    for (const auto& [key, entry] : value.struct_value().fields()) {
      if (absl::Status s = CheckElement(entry, map_value, path, depth + 1);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }
  if (field.is_repeated()) {
    if (value.kind_case() != Value::kListValue)
      return Mismatch(path, "an array");
    for (const Value& element : value.list_value().values()) {
      if (absl::Status s = CheckElement(element, field, path, depth + 1);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }
  return CheckElement(value, field, path, depth);
}

absl::Status CheckObject(const Struct& object, const Descriptor& type,
                         absl::string_view prefix, int depth) {
  if (depth > kMaxJsonDepth) {
    return GatewayError(400, "INVALID_BODY",
                        "the request body is nested too deeply");
  }
  for (const auto& [key, value] : object.fields()) {
    const FieldDescriptor* field = FindFieldByAnyName(type, key);
    if (field == nullptr) {
      return GatewayUnknownFieldError(Join(prefix, key), "request body");
    }
    if (absl::Status s =
            CheckField(value, *field, Join(prefix, field->json_name()), depth);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckJsonShape(const Struct& object, const Descriptor& type) {
  return CheckObject(object, type, "", 0);
}

}  // namespace gateway
