// Turns Protobuf descriptors into JSON Schema (2020-12, the dialect of
// OpenAPI 3.1) as proto3's JSON mapping reads and prints them, for the
// gateway's generated OpenAPI document (openapi_document.h).
//
// Contract:
// - Properties use JSON names (json_name). 64-bit integers are strings
//   (format int64 / uint64), 32-bit ones integers, float and double numbers,
//   bytes base64 strings (contentEncoding), enums strings with the value
//   names, repeated fields arrays, maps objects with additionalProperties.
//   Oneof members are plain properties.
// - Well-known types take their JSON forms inline: Timestamp (date-time),
//   Duration ("1.5s"), FieldMask (a string), Struct, Value (any JSON),
//   ListValue, Empty, Any (an object with "@type"), and the wrappers as
//   their wrapped scalar or null.
// - Other messages and all enums are components: a use is a
//   {"$ref": "#/components/schemas/<full name>"}, and Components() holds
//   each one referenced so far, and everything those reach. Recursive types
//   are safe: a type is described once, and no call recurses on the depth
//   of the types.
// - Descriptions are the proto comments of the element with the same full
//   name in `documentation` (a pool built with source info), else of the
//   descriptor itself (empty when the pool has no source info).
// - The (openapi.v1.field_schema) option of a field (proto/openapi/v1/
//   field_schema.proto) adds `required` to its message and minLength,
//   maxLength, pattern, enum, minimum, maximum, minItems, maxItems and
//   examples to its property (for a repeated field the value constraints
//   go on `items`).
// Not thread-safe; the descriptors and `documentation` must outlive it.
//
// EXAMPLE:
//   OpenApiSchemas schemas(/*documentation=*/nullptr);
//   google::protobuf::Value ref = schemas.MessageSchema(*Thing::descriptor());
//   // ref: {"$ref": "#/components/schemas/gwtest.v1.Thing"}
//   google::protobuf::Struct all = schemas.Components();
#ifndef GATEWAY_OPENAPI_SCHEMA_H_
#define GATEWAY_OPENAPI_SCHEMA_H_

#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/openapi_json.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"

namespace gateway {

// The comment of a proto element as documentation: leading comments (else
// trailing ones), each line trimmed, lines kept. Looked up by full name in
// `documentation` when it is set and knows the element.
std::string ProtoComment(const google::protobuf::DescriptorPool* documentation,
                         const google::protobuf::Descriptor& message);
std::string ProtoComment(const google::protobuf::DescriptorPool* documentation,
                         const google::protobuf::FieldDescriptor& field);
std::string ProtoComment(const google::protobuf::DescriptorPool* documentation,
                         const google::protobuf::EnumDescriptor& type);
std::string ProtoComment(const google::protobuf::DescriptorPool* documentation,
                         const google::protobuf::MethodDescriptor& method);
std::string ProtoComment(const google::protobuf::DescriptorPool* documentation,
                         const google::protobuf::ServiceDescriptor& service);

// True when proto3 JSON, and so the gateway's query and path binding, reads
// a field's value from one string: scalars, enums, Timestamp, Duration,
// FieldMask and the wrappers (field_setter.h).
bool IsTextField(const google::protobuf::FieldDescriptor& field);

// The field's (openapi.v1.field_schema) says it is required.
bool IsRequiredField(const google::protobuf::FieldDescriptor& field);

class OpenApiSchemas {
 public:
  explicit OpenApiSchemas(const google::protobuf::DescriptorPool* documentation)
      : documentation_(documentation) {}

  // A message used as a whole: a $ref to its component, or a well-known
  // type's inline schema.
  google::protobuf::Value MessageSchema(
      const google::protobuf::Descriptor& message);

  // The schema of a field's JSON value, with its constraints, and with its
  // comment as `description` when `with_description`.
  google::protobuf::Value FieldSchema(
      const google::protobuf::FieldDescriptor& field, bool with_description);

  // An inline object schema of `message` without the `omitted` fields (a
  // `body: "*"` whose path binds some fields); a $ref when none is omitted.
  google::protobuf::Value MessageSchemaWithout(
      const google::protobuf::Descriptor& message,
      const std::set<const google::protobuf::FieldDescriptor*>& omitted);

  // components/schemas: every message and enum referenced so far, and all
  // that they reference, keyed by full name.
  google::protobuf::Struct Components();

  const google::protobuf::DescriptorPool* documentation() const {
    return documentation_;
  }

 private:
  google::protobuf::Value ObjectSchema(
      const google::protobuf::Descriptor& message,
      const std::set<const google::protobuf::FieldDescriptor*>& omitted);
  google::protobuf::Value ElementSchema(
      const google::protobuf::FieldDescriptor& field);
  google::protobuf::Value Ref(const std::string& full_name);

  const google::protobuf::DescriptorPool* documentation_;
  // Referenced but not yet described, in order of first reference.
  std::vector<const google::protobuf::Descriptor*> pending_messages_;
  std::vector<const google::protobuf::EnumDescriptor*> pending_enums_;
  std::set<std::string> referenced_;
  google::protobuf::Struct components_;
};

}  // namespace gateway

#endif  // GATEWAY_OPENAPI_SCHEMA_H_
