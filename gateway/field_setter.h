// Sets a (possibly nested) request field from text: how path variables,
// query parameters and form fields reach the request message.
//
// Contract: `path` holds proto field names or JSON names, from the top-level
// message down; intermediate hops must be singular message fields. The text
// is converted by the field's type as proto3's JSON mapping reads it from a
// string: strings verbatim, bytes from base64 (standard or URL-safe, padded
// or not), integers and floats strictly, bools as true/false, enums by name
// or number; the wrapper types by their wrapped scalar; Timestamp, Duration
// and FieldMask by Protobuf's JSON reader. Other message fields cannot be
// set from text. A repeated field gets the value appended; a singular one
// set twice is an error.
// Errors are 400 GatewayFieldErrors naming the field by its JSON path; they
// never quote the value.
//
// EXAMPLE:
//   absl::Status s = SetFieldFromText(request.get(), {"integrator_id"},
//   "itg_1",
//                                     /*seen=*/&seen);
#ifndef GATEWAY_FIELD_SETTER_H_
#define GATEWAY_FIELD_SETTER_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace gateway {

// A field by its proto name or its JSON name; null if neither matches.
const google::protobuf::FieldDescriptor* FindFieldByAnyName(
    const google::protobuf::Descriptor& type, absl::string_view name);

// Translates a field path given by proto or JSON names ("limits.max_count")
// to JSON names ("limits.maxCount"); unknown parts are kept as they are.
// `type` may be null (then nothing is translated).
std::string JsonFieldPath(const google::protobuf::Descriptor* type,
                          const std::vector<std::string>& path);
std::string JsonFieldPath(const google::protobuf::Descriptor* type,
                          absl::string_view path);

// Resolves `path` in `type` (by name or JSON name); null if it does not exist.
const google::protobuf::FieldDescriptor* FindFieldPath(
    const google::protobuf::Descriptor* type,
    const std::vector<std::string>& path);

// `seen` collects the fields already set, to refuse a second value for a
// singular field. A message field on the way is created if absent.
absl::Status SetFieldFromText(
    google::protobuf::Message* message, const std::vector<std::string>& path,
    absl::string_view text,
    std::set<const google::protobuf::FieldDescriptor*>* seen);

// Clears the field at `path` in the message that holds it (a nested path
// clears inside its parent, which is created if absent). Unknown paths are
// ignored.
void ClearFieldPath(google::protobuf::Message* message,
                    const std::vector<std::string>& path);

}  // namespace gateway

#endif  // GATEWAY_FIELD_SETTER_H_
