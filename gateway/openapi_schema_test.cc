#include "gateway/openapi_schema.h"

#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "openapi/v1/field_schema.pb.h"

namespace gateway {
namespace {

using google::protobuf::FieldDescriptorProto;
using google::protobuf::Value;

std::string Member(const Value& object, const std::string& key) {
  auto it = object.struct_value().fields().find(key);
  if (it == object.struct_value().fields().end()) return "<absent>";
  const Value& v = it->second;
  if (v.has_string_value()) return v.string_value();
  if (v.has_number_value()) return std::to_string(v.number_value());
  if (v.has_bool_value()) return v.bool_value() ? "true" : "false";
  return "<object>";
}

const Value& Field(const Value& object, const std::string& key) {
  static const Value* absent = new Value();
  auto it = object.struct_value().fields().find(key);
  return it == object.struct_value().fields().end() ? *absent : it->second;
}

// A pool as a standalone gateway builds it from a descriptor set: nothing
// generated, the (openapi.v1.field_schema) options read from the bytes.
class DynamicPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto descriptor_proto;
    google::protobuf::FileDescriptorProto::descriptor()->file()->CopyTo(
        &descriptor_proto);
    ASSERT_NE(pool_.BuildFile(descriptor_proto), nullptr);
    google::protobuf::FileDescriptorProto options_proto;
    openapi::v1::FieldSchema::descriptor()->file()->CopyTo(&options_proto);
    ASSERT_NE(pool_.BuildFile(options_proto), nullptr);

    google::protobuf::FileDescriptorProto file;
    file.set_name("dyn/v1/dyn.proto");
    file.set_package("dyn.v1");
    file.set_syntax("proto3");
    file.add_dependency(options_proto.name());
    auto* message = file.add_message_type();
    message->set_name("Account");
    auto add = [message](const std::string& name, int number,
                         FieldDescriptorProto::Type type,
                         FieldDescriptorProto::Label label =
                             FieldDescriptorProto::LABEL_OPTIONAL) {
      auto* field = message->add_field();
      field->set_name(name);
      field->set_number(number);
      field->set_type(type);
      field->set_label(label);
      field->set_json_name(name == "display_name" ? "displayName" : name);
      return field;
    };
    auto* name = add("display_name", 1, FieldDescriptorProto::TYPE_STRING);
    auto* schema =
        name->mutable_options()->MutableExtension(openapi::v1::field_schema);
    schema->set_required(true);
    schema->set_min_length(1);
    schema->set_max_length(1024);
    schema->add_examples(std::string("Ada"));
    auto* tags = add("tags", 2, FieldDescriptorProto::TYPE_STRING,
                     FieldDescriptorProto::LABEL_REPEATED);
    auto* tag_schema =
        tags->mutable_options()->MutableExtension(openapi::v1::field_schema);
    tag_schema->set_max_items(9);
    tag_schema->set_min_items(1);
    tag_schema->add_allowed_values(std::string("a"));
    tag_schema->add_allowed_values(std::string("b"));
    auto* limit = add("limit", 3, FieldDescriptorProto::TYPE_INT32);
    auto* limit_schema =
        limit->mutable_options()->MutableExtension(openapi::v1::field_schema);
    limit_schema->set_minimum(0);
    limit_schema->set_maximum(100);
    limit_schema->add_examples(std::string("20"));
    add("flags", 4, FieldDescriptorProto::TYPE_FIXED32);
    // The options travel as bytes, as in a descriptor set from protoc.
    google::protobuf::FileDescriptorProto wire;
    ASSERT_TRUE(wire.ParseFromString(file.SerializeAsString()));
    ASSERT_NE(pool_.BuildFile(wire), nullptr);
    account_ = pool_.FindMessageTypeByName("dyn.v1.Account");
    ASSERT_NE(account_, nullptr);
  }

  google::protobuf::DescriptorPool pool_;
  const google::protobuf::Descriptor* account_ = nullptr;
};

TEST_F(DynamicPoolTest, FieldOptionsBecomeConstraints) {
  OpenApiSchemas schemas(nullptr);
  EXPECT_EQ(Member(schemas.MessageSchema(*account_), "$ref"),
            "#/components/schemas/dyn.v1.Account");
  google::protobuf::Struct components = schemas.Components();
  Value account;
  *account.mutable_struct_value() =
      components.fields().at("dyn.v1.Account").struct_value();
  EXPECT_EQ(Field(account, "required").list_value().values(0).string_value(),
            "displayName");
  const Value& name = Field(Field(account, "properties"), "displayName");
  EXPECT_EQ(Member(name, "minLength"), "1.000000");
  EXPECT_EQ(Member(name, "maxLength"), "1024.000000");
  EXPECT_EQ(Field(name, "examples").list_value().values(0).string_value(),
            "Ada");
  const Value& tags = Field(Field(account, "properties"), "tags");
  EXPECT_EQ(Member(tags, "type"), "array");
  EXPECT_EQ(Member(tags, "maxItems"), "9.000000");
  EXPECT_EQ(Member(tags, "minItems"), "1.000000");
  EXPECT_EQ(Field(Field(tags, "items"), "enum").list_value().values_size(), 2);
  const Value& limit = Field(Field(account, "properties"), "limit");
  EXPECT_EQ(Member(limit, "minimum"), "0.000000");
  EXPECT_EQ(Member(limit, "maximum"), "100.000000");
  // A numeric example is a number.
  EXPECT_EQ(Field(limit, "examples").list_value().values(0).number_value(), 20);
  const Value& flags = Field(Field(account, "properties"), "flags");
  EXPECT_EQ(Member(flags, "type"), "integer");
  EXPECT_EQ(Member(flags, "minimum"), "0.000000");
}

TEST_F(DynamicPoolTest, OmittedFieldsMakeAnInlineSchema) {
  OpenApiSchemas schemas(nullptr);
  const Value partial = schemas.MessageSchemaWithout(
      *account_, {account_->FindFieldByName("display_name")});
  EXPECT_EQ(Member(partial, "type"), "object");
  EXPECT_EQ(Member(Field(partial, "properties"), "displayName"), "<absent>");
  // What is required and omitted is not required of the body.
  EXPECT_EQ(Member(partial, "required"), "<absent>");
}

TEST(OpenApiSchemaTest, WrappersAreNullableScalars) {
  OpenApiSchemas schemas(nullptr);
  const Value wrapper =
      schemas.MessageSchema(*google::protobuf::Int32Value::descriptor());
  const auto& types = Field(wrapper, "type").list_value();
  ASSERT_EQ(types.values_size(), 2);
  EXPECT_EQ(types.values(0).string_value(), "integer");
  EXPECT_EQ(types.values(1).string_value(), "null");
  // Well-known types are inline, never components.
  EXPECT_TRUE(schemas.Components().fields().empty());
}

TEST(OpenApiSchemaTest, CommentsAreTrimmedLines) {
  google::protobuf::DescriptorPool pool;
  google::protobuf::FileDescriptorProto file;
  file.set_name("c.proto");
  file.set_package("c");
  auto* message = file.add_message_type();
  message->set_name("M");
  auto* location = file.mutable_source_code_info()->add_location();
  location->add_path(4);  // message_type
  location->add_path(0);
  for (int span : {1, 0, 12}) location->add_span(span);
  location->set_leading_comments(" First line.\n Second line.\n");
  ASSERT_NE(pool.BuildFile(file), nullptr);
  EXPECT_EQ(ProtoComment(nullptr, *pool.FindMessageTypeByName("c.M")),
            "First line.\nSecond line.");
}

}  // namespace
}  // namespace gateway
