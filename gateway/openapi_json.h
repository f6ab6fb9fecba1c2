// The JSON tree that the OpenAPI document is built as (Protobuf's
// google.protobuf.Value, so no JSON writer of our own has to escape
// strings), and its deterministic text.
//
// Contract: PrintJson writes object members sorted by key, arrays in order,
// two spaces per level, and numbers that are whole (below 2^53) without a
// fraction: Value numbers are doubles, and `200` must not print as `200.0`.
// Strings, bools, null and fractions are printed by Protobuf's JSON printer.
// A NaN or infinite number is InvalidArgument (JSON has none).
//
// EXAMPLE:
//   google::protobuf::Value doc;
//   SetMember(doc, "status", JsonNumber(200));
//   absl::StatusOr<std::string> text = PrintJson(doc);
//   // "{\n  \"status\": 200\n}"
#ifndef GATEWAY_OPENAPI_JSON_H_
#define GATEWAY_OPENAPI_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace gateway {

google::protobuf::Value JsonString(absl::string_view text);
google::protobuf::Value JsonNumber(double number);
google::protobuf::Value JsonBool(bool value);
google::protobuf::Value JsonList(std::vector<google::protobuf::Value> items);
// {"$ref": target}
google::protobuf::Value JsonRef(absl::string_view target);
// Makes `object` an object if it is not one yet, and sets its `key`.
void SetMember(google::protobuf::Value& object, absl::string_view key,
               google::protobuf::Value value);

absl::StatusOr<std::string> PrintJson(const google::protobuf::Value& value);

}  // namespace gateway

#endif  // GATEWAY_OPENAPI_JSON_H_
