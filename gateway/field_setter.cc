#include "gateway/field_setter.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/gateway_error.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

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

absl::Status SetFieldFromText(Message* message,
                              const std::vector<std::string>& path,
                              absl::string_view text,
                              std::set<const FieldDescriptor*>* seen) {
  const std::string json_path = JsonFieldPath(message->GetDescriptor(), path);
  const FieldDescriptor* leaf = FindFieldPath(message->GetDescriptor(), path);
  if (leaf == nullptr || leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return GatewayFieldError(json_path,
                             absl::StrCat(json_path,
                                          " is not a field that can be "
                                          "set from the URL or a form"));
  }
  Message* target = message;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const FieldDescriptor* hop = FindField(target->GetDescriptor(), path[i]);
    target = target->GetReflection()->MutableMessage(target, hop);
  }
  if (!leaf->is_repeated() && !seen->insert(leaf).second) {
    return GatewayFieldError(
        json_path, absl::StrCat(json_path, " is given more than once"));
  }
  const Reflection* r = target->GetReflection();
  const bool rep = leaf->is_repeated();
  const std::string value(text);
  switch (leaf->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(target, leaf, value)
          : r->SetString(target, leaf, value);
      return absl::OkStatus();
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

}  // namespace gateway
