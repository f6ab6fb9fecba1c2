// Checks a parsed JSON object against a request message's fields before the
// real conversion, so a mistake is reported with the field's name and a fixed
// text instead of Protobuf's parser message (which quotes the input).
//
// Contract: every key must name a field (JSON name or proto name); a value
// must have a JSON type the proto3 mapping accepts for the field (string for
// strings, bytes and enums; number or string for numbers; bool for bools;
// object for messages and maps; array for repeated; null anywhere). Objects
// of well-known types (google.protobuf.*) are left to the converter. Nesting
// deeper than kMaxJsonDepth is refused. The first problem found is returned
// as a 400 GatewayFieldError naming the JSON path.
//
// EXAMPLE:
//   absl::Status s = CheckJsonShape(parsed.struct_value(), *request_type);
#ifndef GATEWAY_JSON_SHAPE_H_
#define GATEWAY_JSON_SHAPE_H_

#include "absl/status/status.h"
#include "gateway/json_depth.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"

namespace gateway {

absl::Status CheckJsonShape(const google::protobuf::Struct& object,
                            const google::protobuf::Descriptor& type);

}  // namespace gateway

#endif  // GATEWAY_JSON_SHAPE_H_
