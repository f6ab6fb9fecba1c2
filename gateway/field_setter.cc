#include "gateway/field_setter.h"

#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/gateway_error.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor* type,
                                 const std::string& name) {
  return FindFieldByAnyName(*type, name);
}

absl::Status WrongType(const std::string& json_path,
                       absl::string_view expected) {
  return GatewayFieldError(json_path,
                           absl::StrCat(json_path, " must be ", expected));
}

}  // namespace

std::string JsonFieldPath(const Descriptor* type,
                          const std::vector<std::string>& path) {
  std::vector<std::string> names;
  for (const std::string& part : path) {
    const FieldDescriptor* field =
        type != nullptr ? FindFieldByAnyName(*type, part) : nullptr;
    names.push_back(field != nullptr ? field->json_name() : part);
    type = field != nullptr ? field->message_type() : nullptr;
  }
  return absl::StrJoin(names, ".");
}

std::string JsonFieldPath(const Descriptor* type, absl::string_view path) {
  return JsonFieldPath(type, absl::StrSplit(path, '.'));
}

const FieldDescriptor* FindFieldByAnyName(const Descriptor& type,
                                          absl::string_view name) {
  const std::string key(name);
  if (const FieldDescriptor* field = type.FindFieldByName(key)) return field;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == key) return type.field(i);
  }
  return nullptr;
}

const FieldDescriptor* FindFieldPath(const Descriptor* type,
                                     const std::vector<std::string>& path) {
  const FieldDescriptor* field = nullptr;
  for (size_t i = 0; i < path.size(); ++i) {
    if (type == nullptr) return nullptr;
    field = FindField(type, path[i]);
    if (field == nullptr) return nullptr;
    if (i + 1 < path.size()) {
      if (field->is_repeated() ||
          field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return nullptr;
      }
      type = field->message_type();
    }
  }
  return field;
}

namespace {

// proto3 JSON reads these messages from a JSON string (or, for wrappers,
// from the wrapped scalar), so a URL or form value can set them too.
bool IsWrapper(const Descriptor& type) {
  static const auto* const kWrappers = new std::set<std::string>{
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
      "google.protobuf.Int64Value",  "google.protobuf.UInt64Value",
      "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue",   "google.protobuf.StringValue",
      "google.protobuf.BytesValue"};
  return kWrappers->count(type.full_name()) > 0;
}

// What a JSON string of this well-known type must hold; null when the type
// is not one that a JSON string represents.
const char* StringFormOf(const Descriptor& type) {
  if (type.full_name() == "google.protobuf.Timestamp") {
    return "an RFC 3339 timestamp such as 2017-01-15T01:30:15.01Z";
  }
  if (type.full_name() == "google.protobuf.Duration") {
    return "a duration in seconds such as 1.5s";
  }
  if (type.full_name() == "google.protobuf.FieldMask") {
    return "a comma-separated list of field paths";
  }
  return nullptr;
}

bool SettableFromText(const FieldDescriptor& field) {
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return true;
  if (field.is_map()) return false;
  return IsWrapper(*field.message_type()) ||
         StringFormOf(*field.message_type()) != nullptr;
}

// Base64 in either alphabet, padded or not (as grpc-gateway and Envoy read
// bytes from a URL).
bool DecodeBase64(absl::string_view text, std::string* out) {
  if (text.find_first_of("-_") != absl::string_view::npos) {
    return absl::WebSafeBase64Unescape(text, out);
  }
  return absl::Base64Unescape(text, out);
}

absl::Status SetScalarFromText(Message* target, const FieldDescriptor* leaf,
                               const std::string& value,
                               const std::string& json_path) {
  const Reflection* r = target->GetReflection();
  const bool rep = leaf->is_repeated();
  switch (leaf->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (leaf->type() != FieldDescriptor::TYPE_BYTES) {
        rep ? r->AddString(target, leaf, value)
            : r->SetString(target, leaf, value);
        return absl::OkStatus();
      }
      std::string bytes;
      if (!DecodeBase64(value, &bytes)) return WrongType(json_path, "base64");
      rep ? r->AddString(target, leaf, std::move(bytes))
          : r->SetString(target, leaf, std::move(bytes));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false")
        return WrongType(json_path, "true or false");
      rep ? r->AddBool(target, leaf, value == "true")
          : r->SetBool(target, leaf, value == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v))
        return WrongType(json_path, "a 32-bit integer");
      rep ? r->AddInt32(target, leaf, v) : r->SetInt32(target, leaf, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v))
        return WrongType(json_path, "a 64-bit integer");
      rep ? r->AddInt64(target, leaf, v) : r->SetInt64(target, leaf, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v))
        return WrongType(json_path, "an unsigned 32-bit integer");
      rep ? r->AddUInt32(target, leaf, v) : r->SetUInt32(target, leaf, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v))
        return WrongType(json_path, "an unsigned 64-bit integer");
      rep ? r->AddUInt64(target, leaf, v) : r->SetUInt64(target, leaf, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return WrongType(json_path, "a number");
      if (leaf->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        rep ? r->AddFloat(target, leaf, static_cast<float>(v))
            : r->SetFloat(target, leaf, static_cast<float>(v));
      } else {
        rep ? r->AddDouble(target, leaf, v) : r->SetDouble(target, leaf, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* e =
          leaf->enum_type()->FindValueByName(value);
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) {
        e = leaf->enum_type()->FindValueByNumber(number);
      }
      if (e == nullptr) return WrongType(json_path, "one of the enum's values");
      rep ? r->AddEnum(target, leaf, e) : r->SetEnum(target, leaf, e);
      return absl::OkStatus();
    }
    default:
      return WrongType(json_path, "a scalar");
  }
}

// Sets a wrapper or a well-known type held as a JSON string.
absl::Status SetWellKnownFromText(Message* target, const FieldDescriptor* leaf,
                                  const std::string& value,
                                  const std::string& json_path) {
  const Descriptor& type = *leaf->message_type();
  std::unique_ptr<Message> parsed(
      target->GetReflection()->GetMessageFactory()->GetPrototype(&type)->New());
  if (IsWrapper(type)) {
    if (absl::Status s = SetScalarFromText(
            parsed.get(), type.FindFieldByNumber(1), value, json_path);
        !s.ok()) {
      return s;
    }
  } else {
    // Protobuf's own JSON reader, given the value as a JSON string.
    google::protobuf::Value literal;
    literal.set_string_value(value);
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(literal, &json).ok() ||
        !google::protobuf::util::JsonStringToMessage(json, parsed.get()).ok()) {
      return WrongType(json_path, StringFormOf(type));
    }
  }
  const Reflection* r = target->GetReflection();
  Message* slot = leaf->is_repeated() ? r->AddMessage(target, leaf)
                                      : r->MutableMessage(target, leaf);
  slot->CopyFrom(*parsed);
  return absl::OkStatus();
}

// The message that holds the last field of `path` (validated by the
// caller), created along the way.
Message* OwnerOf(Message* message, const std::vector<std::string>& path) {
  Message* target = message;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const FieldDescriptor* hop = FindField(target->GetDescriptor(), path[i]);
    target = target->GetReflection()->MutableMessage(target, hop);
  }
  return target;
}

}  // namespace

absl::Status SetFieldFromText(Message* message,
                              const std::vector<std::string>& path,
                              absl::string_view text,
                              std::set<const FieldDescriptor*>* seen) {
  const std::string json_path = JsonFieldPath(message->GetDescriptor(), path);
  const FieldDescriptor* leaf = FindFieldPath(message->GetDescriptor(), path);
  if (leaf == nullptr || !SettableFromText(*leaf)) {
    return GatewayFieldError(json_path,
                             absl::StrCat(json_path,
                                          " is not a field that can be "
                                          "set from the URL or a form"));
  }
  if (!leaf->is_repeated() && !seen->insert(leaf).second) {
    return GatewayFieldError(
        json_path, absl::StrCat(json_path, " is given more than once"));
  }
  Message* target = OwnerOf(message, path);
  const std::string value(text);
  return leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
             ? SetWellKnownFromText(target, leaf, value, json_path)
             : SetScalarFromText(target, leaf, value, json_path);
}

void ClearFieldPath(Message* message, const std::vector<std::string>& path) {
  const FieldDescriptor* leaf = FindFieldPath(message->GetDescriptor(), path);
  if (leaf == nullptr) return;
  Message* owner = OwnerOf(message, path);
  owner->GetReflection()->ClearField(owner, leaf);
}

}  // namespace gateway
