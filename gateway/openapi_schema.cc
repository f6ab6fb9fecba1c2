#include "gateway/openapi_schema.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.pb.h"
#include "openapi/v1/field_schema.pb.h"

namespace gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::SourceLocation;
using google::protobuf::Value;

constexpr absl::string_view kWrapperTypes[][3] = {
    // full name, JSON Schema type, format
    {"google.protobuf.DoubleValue", "number", "double"},
    {"google.protobuf.FloatValue", "number", "float"},
    {"google.protobuf.Int64Value", "string", "int64"},
    {"google.protobuf.UInt64Value", "string", "uint64"},
    {"google.protobuf.Int32Value", "integer", "int32"},
    {"google.protobuf.UInt32Value", "integer", "uint32"},
    {"google.protobuf.BoolValue", "boolean", ""},
    {"google.protobuf.StringValue", "string", ""},
    {"google.protobuf.BytesValue", "string", ""},
};

// Proto3 JSON writes a Duration as seconds with up to 9 fractional digits.
constexpr absl::string_view kDurationPattern = "^-?[0-9]+(\\.[0-9]{1,9})?s$";

Value Typed(absl::string_view type, absl::string_view format = "") {
  Value schema;
  SetMember(schema, "type", JsonString(type));
  if (!format.empty()) SetMember(schema, "format", JsonString(format));
  return schema;
}

std::string CleanComment(absl::string_view raw) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

template <typename D>
std::string CommentOf(const D& descriptor, const D* documented) {
  for (const D* source : {documented, &descriptor}) {
    SourceLocation location;
    if (source == nullptr || !source->GetSourceLocation(&location)) continue;
    std::string text = CleanComment(location.leading_comments.empty()
                                        ? location.trailing_comments
                                        : location.leading_comments);
    if (!text.empty()) return text;
  }
  return "";
}

// The well-known types that proto3 JSON does not print as an object of
// their fields: their schema inline, else null.
std::optional<Value> WellKnownSchema(const Descriptor& message) {
  const std::string& name = message.full_name();
  if (name == "google.protobuf.Timestamp") return Typed("string", "date-time");
  if (name == "google.protobuf.Duration") {
    Value schema = Typed("string");
    SetMember(schema, "pattern", JsonString(kDurationPattern));
    return schema;
  }
  // Comma-separated field paths in lowerCamelCase.
  if (name == "google.protobuf.FieldMask") return Typed("string");
  if (name == "google.protobuf.Struct") return Typed("object");
  if (name == "google.protobuf.ListValue") return Typed("array");
  if (name == "google.protobuf.Empty") return Typed("object");
  if (name == "google.protobuf.Value") {
    Value any;  // The empty schema: any JSON value.
    any.mutable_struct_value();
    return any;
  }
  if (name == "google.protobuf.Any") {
    Value schema = Typed("object");
    Value properties;
    SetMember(properties, "@type", Typed("string"));
    SetMember(schema, "properties", std::move(properties));
    SetMember(schema, "required", JsonList({JsonString("@type")}));
    return schema;
  }
  for (const auto& [full_name, type, format] : kWrapperTypes) {
    if (name != full_name) continue;
    Value schema;
    // A wrapper is how proto3 says "this scalar or nothing".
    SetMember(schema, "type", JsonList({JsonString(type), JsonString("null")}));
    if (!format.empty()) SetMember(schema, "format", JsonString(format));
    if (name == "google.protobuf.BytesValue") {
      SetMember(schema, "contentEncoding", JsonString("base64"));
    }
    return schema;
  }
  return std::nullopt;
}

bool IsTextWellKnown(const Descriptor& message) {
  const std::string& name = message.full_name();
  if (name == "google.protobuf.Timestamp" ||
      name == "google.protobuf.Duration" ||
      name == "google.protobuf.FieldMask") {
    return true;
  }
  for (const auto& wrapper : kWrapperTypes) {
    if (name == wrapper[0]) return true;
  }
  return false;
}

const openapi::v1::FieldSchema* FieldOptionsOf(const FieldDescriptor& field) {
  if (!field.options().HasExtension(openapi::v1::field_schema)) return nullptr;
  return &field.options().GetExtension(openapi::v1::field_schema);
}

// An example given as text, as the JSON value of a schema's type.
Value ExampleValue(const Value& schema, const std::string& text) {
  std::string type;
  if (schema.has_struct_value()) {
    auto it = schema.struct_value().fields().find("type");
    if (it != schema.struct_value().fields().end()) {
      type = it->second.has_list_value() &&
                     it->second.list_value().values_size() > 0
                 ? it->second.list_value().values(0).string_value()
                 : it->second.string_value();
    }
  }
  double number = 0;
  if ((type == "integer" || type == "number") &&
      absl::SimpleAtod(text, &number)) {
    return JsonNumber(number);
  }
  if (type == "boolean" && (text == "true" || text == "false")) {
    return JsonBool(text == "true");
  }
  return JsonString(text);
}

// The constraints that hold for one value (each element of a repeated
// field).
void AddValueConstraints(const openapi::v1::FieldSchema& options,
                         Value& schema) {
  if (options.min_length() > 0) {
    SetMember(schema, "minLength",
              JsonNumber(static_cast<double>(options.min_length())));
  }
  if (options.max_length() > 0) {
    SetMember(schema, "maxLength",
              JsonNumber(static_cast<double>(options.max_length())));
  }
  if (!options.pattern().empty()) {
    SetMember(schema, "pattern", JsonString(options.pattern()));
  }
  if (options.allowed_values_size() > 0) {
    std::vector<Value> values;
    for (const std::string& value : options.allowed_values()) {
      values.push_back(JsonString(value));
    }
    SetMember(schema, "enum", JsonList(std::move(values)));
  }
  if (options.has_minimum()) {
    SetMember(schema, "minimum", JsonNumber(options.minimum()));
  }
  if (options.has_maximum()) {
    SetMember(schema, "maximum", JsonNumber(options.maximum()));
  }
  if (options.examples_size() > 0) {
    std::vector<Value> examples;
    for (const std::string& example : options.examples()) {
      examples.push_back(ExampleValue(schema, example));
    }
    SetMember(schema, "examples", JsonList(std::move(examples)));
  }
}

}  // namespace

std::string ProtoComment(const DescriptorPool* documentation,
                         const Descriptor& message) {
  return CommentOf(
      message, documentation == nullptr
                   ? nullptr
                   : documentation->FindMessageTypeByName(message.full_name()));
}

std::string ProtoComment(const DescriptorPool* documentation,
                         const FieldDescriptor& field) {
  return CommentOf(field,
                   documentation == nullptr
                       ? nullptr
                       : documentation->FindFieldByName(field.full_name()));
}

std::string ProtoComment(const DescriptorPool* documentation,
                         const EnumDescriptor& type) {
  return CommentOf(type,
                   documentation == nullptr
                       ? nullptr
                       : documentation->FindEnumTypeByName(type.full_name()));
}

std::string ProtoComment(const DescriptorPool* documentation,
                         const google::protobuf::MethodDescriptor& method) {
  return CommentOf(method,
                   documentation == nullptr
                       ? nullptr
                       : documentation->FindMethodByName(method.full_name()));
}

std::string ProtoComment(const DescriptorPool* documentation,
                         const google::protobuf::ServiceDescriptor& service) {
  return CommentOf(service,
                   documentation == nullptr
                       ? nullptr
                       : documentation->FindServiceByName(service.full_name()));
}

bool IsTextField(const FieldDescriptor& field) {
  if (field.is_map()) return false;
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return true;
  return IsTextWellKnown(*field.message_type());
}

bool IsRequiredField(const FieldDescriptor& field) {
  const openapi::v1::FieldSchema* options = FieldOptionsOf(field);
  return options != nullptr && options->required();
}

Value OpenApiSchemas::Ref(const std::string& full_name) {
  Value ref;
  SetMember(ref, "$ref",
            JsonString(absl::StrCat("#/components/schemas/", full_name)));
  return ref;
}

Value OpenApiSchemas::MessageSchema(const Descriptor& message) {
  if (std::optional<Value> known = WellKnownSchema(message)) return *known;
  if (referenced_.insert(message.full_name()).second) {
    pending_messages_.push_back(&message);
  }
  return Ref(message.full_name());
}

Value OpenApiSchemas::ElementSchema(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_DOUBLE:
      return Typed("number", "double");
    case FieldDescriptor::TYPE_FLOAT:
      return Typed("number", "float");
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return Typed("integer", "int32");
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32: {
      Value schema = Typed("integer", "uint32");
      SetMember(schema, "minimum", JsonNumber(0));
      return schema;
    }
    // Proto3 JSON prints 64-bit integers as strings: a double cannot hold
    // them exactly.
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
      return Typed("string", "int64");
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      return Typed("string", "uint64");
    case FieldDescriptor::TYPE_BOOL:
      return Typed("boolean");
    case FieldDescriptor::TYPE_STRING:
      return Typed("string");
    case FieldDescriptor::TYPE_BYTES: {
      Value schema = Typed("string");
      SetMember(schema, "contentEncoding", JsonString("base64"));
      return schema;
    }
    case FieldDescriptor::TYPE_ENUM: {
      const EnumDescriptor& type = *field.enum_type();
      if (type.full_name() == "google.protobuf.NullValue") {
        return Typed("null");
      }
      if (referenced_.insert(type.full_name()).second) {
        pending_enums_.push_back(&type);
      }
      return Ref(type.full_name());
    }
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return MessageSchema(*field.message_type());
  }
  return Typed("string");
}

Value OpenApiSchemas::FieldSchema(const FieldDescriptor& field,
                                  bool with_description) {
  const openapi::v1::FieldSchema* options = FieldOptionsOf(field);
  Value schema;
  if (field.is_map()) {
    // JSON object keys are strings, whatever the map's key type.
    schema = Typed("object");
    SetMember(schema, "additionalProperties",
              ElementSchema(*field.message_type()->map_value()));
  } else {
    Value element = ElementSchema(field);
    if (options != nullptr) AddValueConstraints(*options, element);
    if (field.is_repeated()) {
      schema = Typed("array");
      SetMember(schema, "items", std::move(element));
      if (options != nullptr && options->min_items() > 0) {
        SetMember(schema, "minItems",
                  JsonNumber(static_cast<double>(options->min_items())));
      }
      if (options != nullptr && options->max_items() > 0) {
        SetMember(schema, "maxItems",
                  JsonNumber(static_cast<double>(options->max_items())));
      }
    } else {
      schema = std::move(element);
    }
  }
  if (with_description) {
    if (std::string text = ProtoComment(documentation_, field); !text.empty()) {
      SetMember(schema, "description", JsonString(text));
    }
  }
  if (field.options().deprecated()) {
    SetMember(schema, "deprecated", JsonBool(true));
  }
  return schema;
}

Value OpenApiSchemas::ObjectSchema(
    const Descriptor& message,
    const std::set<const FieldDescriptor*>& omitted) {
  Value schema = Typed("object");
  if (std::string text = ProtoComment(documentation_, message); !text.empty()) {
    SetMember(schema, "description", JsonString(text));
  }
  Value properties;
  std::vector<Value> required;
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (omitted.count(&field) > 0) continue;
    SetMember(properties, field.json_name(),
              FieldSchema(field, /*with_description=*/true));
    if (IsRequiredField(field))
      required.push_back(JsonString(field.json_name()));
  }
  if (properties.has_struct_value()) {
    SetMember(schema, "properties", std::move(properties));
  }
  if (!required.empty()) {
    SetMember(schema, "required", JsonList(std::move(required)));
  }
  return schema;
}

Value OpenApiSchemas::MessageSchemaWithout(
    const Descriptor& message,
    const std::set<const FieldDescriptor*>& omitted) {
  if (omitted.empty()) return MessageSchema(message);
  return ObjectSchema(message, omitted);
}

google::protobuf::Struct OpenApiSchemas::Components() {
  auto& fields = *components_.mutable_fields();
  // Describing a message may reference more: a work list, not recursion.
  for (size_t i = 0; i < pending_messages_.size(); ++i) {
    const Descriptor& message = *pending_messages_[i];
    fields[message.full_name()] = ObjectSchema(message, {});
  }
  pending_messages_.clear();
  for (const EnumDescriptor* type : pending_enums_) {
    Value schema = Typed("string");
    if (std::string text = ProtoComment(documentation_, *type); !text.empty()) {
      SetMember(schema, "description", JsonString(text));
    }
    std::vector<Value> names;
    for (int i = 0; i < type->value_count(); ++i) {
      names.push_back(JsonString(type->value(i)->name()));
    }
    SetMember(schema, "enum", JsonList(std::move(names)));
    fields[type->full_name()] = std::move(schema);
  }
  pending_enums_.clear();
  return components_;
}

}  // namespace gateway
