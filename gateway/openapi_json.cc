#include "gateway/openapi_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace gateway {
namespace {

using google::protobuf::Value;

absl::Status Print(const Value& value, int depth, std::string& out) {
  auto indent = [&out](int level) { out.append(2 * level, ' '); };
  switch (value.kind_case()) {
    case Value::kStructValue: {
      const auto& fields = value.struct_value().fields();
      if (fields.empty()) {
        out += "{}";
        return absl::OkStatus();
      }
      std::vector<std::string> keys;
      for (const auto& [key, unused] : fields) keys.push_back(key);
      std::sort(keys.begin(), keys.end());
      out += "{\n";
      for (size_t i = 0; i < keys.size(); ++i) {
        indent(depth + 1);
        if (absl::Status s = Print(JsonString(keys[i]), depth + 1, out);
            !s.ok()) {
          return s;
        }
        out += ": ";
        if (absl::Status s = Print(fields.at(keys[i]), depth + 1, out);
            !s.ok()) {
          return s;
        }
        out += i + 1 < keys.size() ? ",\n" : "\n";
      }
      indent(depth);
      out += "}";
      return absl::OkStatus();
    }
    case Value::kListValue: {
      const auto& items = value.list_value().values();
      if (items.empty()) {
        out += "[]";
        return absl::OkStatus();
      }
      out += "[\n";
      for (int i = 0; i < items.size(); ++i) {
        indent(depth + 1);
        if (absl::Status s = Print(items[i], depth + 1, out); !s.ok()) {
          return s;
        }
        out += i + 1 < items.size() ? ",\n" : "\n";
      }
      indent(depth);
      out += "]";
      return absl::OkStatus();
    }
    case Value::kNumberValue: {
      const double number = value.number_value();
      if (!std::isfinite(number)) {
        return absl::InvalidArgumentError(
            "the OpenAPI document would hold a number that JSON cannot");
      }
      // Struct numbers are doubles: 200 must not print as 200.0 or 2e2.
      if (number == std::trunc(number) && std::fabs(number) < 9.0e15) {
        absl::StrAppend(&out, static_cast<int64_t>(number));
        return absl::OkStatus();
      }
      break;
    }
    default:
      break;
  }
  // Strings (escaping), bools, null and fractions: Protobuf's printer.
  std::string scalar;
  if (!google::protobuf::util::MessageToJsonString(value, &scalar).ok()) {
    return absl::InvalidArgumentError(
        "the OpenAPI document has a value that cannot be printed");
  }
  out += scalar;
  return absl::OkStatus();
}

}  // namespace

Value JsonString(absl::string_view text) {
  Value value;
  value.set_string_value(std::string(text));
  return value;
}

Value JsonNumber(double number) {
  Value value;
  value.set_number_value(number);
  return value;
}

Value JsonBool(bool flag) {
  Value value;
  value.set_bool_value(flag);
  return value;
}

Value JsonList(std::vector<Value> items) {
  Value value;
  auto* list = value.mutable_list_value();
  for (Value& item : items) *list->add_values() = std::move(item);
  return value;
}

void SetMember(Value& object, absl::string_view key, Value value) {
  (*object.mutable_struct_value()->mutable_fields())[std::string(key)] =
      std::move(value);
}

Value JsonRef(absl::string_view target) {
  Value ref;
  SetMember(ref, "$ref", JsonString(target));
  return ref;
}

absl::StatusOr<std::string> PrintJson(const Value& value) {
  std::string out;
  if (absl::Status s = Print(value, 0, out); !s.ok()) return s;
  out += "\n";
  return out;
}

}  // namespace gateway
