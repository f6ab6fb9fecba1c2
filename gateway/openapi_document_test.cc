#include "gateway/openapi_document.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gateway/gateway_test_util.h"
#include "gateway/openapi_test_util.h"
#include "gateway_test.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

#ifndef OPENAPI_TEST_DESCRIPTORS
#define OPENAPI_TEST_DESCRIPTORS "gateway_test_descriptors.pb"
#endif

namespace gateway {
namespace {

using google::protobuf::Value;

std::shared_ptr<const RouteTable> AllRoutes() {
  (void)gwtest::v1::Node::descriptor();
  static const std::shared_ptr<const RouteTable> routes =
      *RouteTable::Build(*google::protobuf::DescriptorPool::generated_pool(),
                         {std::string("gwtest.v1.ThingService"),
                          std::string("gwtest.v1.ShelfService"),
                          std::string("gwtest.v1.DocService")});
  return routes;
}

const google::protobuf::DescriptorPool& DocumentationPool() {
  return testing::CommentedPool(OPENAPI_TEST_DESCRIPTORS);
}

Value Render(const OpenApiOptions& options = {}) {
  absl::StatusOr<std::string> json =
      RenderOpenApiDocument(*AllRoutes(), options);
  EXPECT_TRUE(json.ok()) << json.status();
  Value doc;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &doc).ok());
  return doc;
}

// The member at `path` (object keys, or list indexes as numbers); a null
// value when absent, so that a test fails on its expectation, not a crash.
Value At(const Value& root, std::initializer_list<std::string> path) {
  Value current = root;
  for (const std::string& key : path) {
    if (current.has_struct_value()) {
      auto it = current.struct_value().fields().find(key);
      if (it == current.struct_value().fields().end()) return Value();
      Value next = it->second;  // Not aliased with `current`.
      current = std::move(next);
    } else if (current.has_list_value()) {
      const size_t index = std::stoul(key);
      if (index >= static_cast<size_t>(current.list_value().values_size())) {
        return Value();
      }
      Value next = current.list_value().values(static_cast<int>(index));
      current = std::move(next);
    } else {
      return Value();
    }
  }
  return current;
}

std::string Str(const Value& root, std::initializer_list<std::string> path) {
  return At(root, path).string_value();
}

// The parameter called `name` of an operation.
Value Param(const Value& operation, const std::string& name) {
  const Value parameters = At(operation, {"parameters"});
  for (const Value& p : parameters.list_value().values()) {
    if (Str(p, {"name"}) == name) return p;
  }
  return Value();
}

TEST(OpenApiDocumentTest, DeclaresVersionInfoAndEveryRoute) {
  const Value doc = Render({.title = "Things", .version = "1.2.3"});
  EXPECT_EQ(Str(doc, {"openapi"}), "3.1.0");
  EXPECT_EQ(Str(doc, {"info", "title"}), "Things");
  EXPECT_EQ(Str(doc, {"info", "version"}), "1.2.3");
  const Value paths_value = At(doc, {"paths"});
  const auto& paths = paths_value.struct_value().fields();
  for (const char* path :
       {"/v1/secret", "/v1/things/{id}", "/v1/{name}", "/v1/things/{id}:cancel",
        "/v1/shelves/{shelf.id}/books/{book.id}", "/v1/books/{book_id}/tags",
        "/v1/shelves/{shelf_id}:clear", "/v1/nodes/{node_id}",
        "/v1/trees/{tree.id}/nodes/{node_id}"}) {
    EXPECT_EQ(paths.count(path), 1u) << path;
  }
  // Skipped rules are not documented.
  EXPECT_EQ(paths.count("/v1/watch"), 0u);
  EXPECT_TRUE(At(doc, {"paths", "/v1/secret", "put"}).has_struct_value());
  EXPECT_TRUE(At(doc, {"paths", "/v1/secret", "post"}).has_struct_value());
}

TEST(OpenApiDocumentTest, OperationIdsAreUniqueAcrossBindings) {
  const Value doc = Render();
  EXPECT_EQ(Str(doc, {"paths", "/v1/secret", "put", "operationId"}),
            "SetSecret");
  EXPECT_EQ(Str(doc, {"paths", "/v1/secret", "post", "operationId"}),
            "SetSecret2");
  EXPECT_EQ(Str(doc, {"paths", "/v1/things/{id}", "get", "tags", "0"}),
            "ThingService");
}

TEST(OpenApiDocumentTest, PathVariablesAreRequiredParameters) {
  const Value doc = Render();
  const Value get =
      At(doc, {"paths", "/v1/shelves/{shelf.id}/books/{book.id}", "get"});
  const Value shelf = Param(get, "shelf.id");
  EXPECT_EQ(Str(shelf, {"in"}), "path");
  EXPECT_TRUE(At(shelf, {"required"}).bool_value());
  EXPECT_EQ(Str(shelf, {"schema", "type"}), "string");
  // A variable over several segments keeps its shape as a pattern.
  const Value name = Param(At(doc, {"paths", "/v1/{name}", "patch"}), "name");
  EXPECT_EQ(Str(name, {"schema", "pattern"}), "^shelves/[^/]+/things/[^/]+$");
}

TEST(OpenApiDocumentTest, QueryParametersAreTheFieldsNotBoundElsewhere) {
  const Value doc = Render();
  const Value get = At(doc, {"paths", "/v1/things/{id}", "get"});
  EXPECT_EQ(Str(Param(get, "view"), {"in"}), "query");
  EXPECT_EQ(Str(Param(get, "view"), {"schema", "$ref"}),
            "#/components/schemas/gwtest.v1.View");
  EXPECT_EQ(Str(Param(get, "pageSize"), {"schema", "type"}), "integer");
  EXPECT_EQ(Str(Param(get, "fields"), {"schema", "type"}), "array");
  EXPECT_EQ(Str(Param(get, "id"), {"in"}), "path");
  EXPECT_EQ(At(get, {"parameters"}).list_value().values_size(), 4);
  // Nested by JSON names; the path-bound leaf is not a query parameter.
  const Value node = At(doc, {"paths", "/v1/nodes/{node_id}", "get"});
  EXPECT_EQ(Str(Param(node, "filter.prefix"), {"in"}), "query");
  EXPECT_EQ(Str(Param(node, "filter.since"), {"schema", "format"}),
            "date-time");
  EXPECT_EQ(Str(Param(node, "filter.sizes"), {"schema", "items", "type"}),
            "string");
  EXPECT_EQ(Str(Param(node, "tree.id"), {"in"}), "query");
  EXPECT_FALSE(Param(node, "nodeId").has_struct_value());
  // The recursion through NodeFilter.next stops.
  EXPECT_FALSE(Param(node, "filter.next.prefix").has_struct_value());
  const Value tree =
      At(doc, {"paths", "/v1/trees/{tree.id}/nodes/{node_id}", "get"});
  EXPECT_EQ(Str(Param(tree, "tree.id"), {"in"}), "path");
  EXPECT_EQ(Str(tree, {"operationId"}), "GetNode2");
  // Well-known types and wrappers read from one string.
  const Value search = At(doc, {"paths", "/v1/search", "get"});
  EXPECT_EQ(Str(Param(search, "timeout"), {"schema", "pattern"}),
            "^-?[0-9]+(\\.[0-9]{1,9})?s$");
  EXPECT_EQ(Str(Param(search, "updateMask"), {"schema", "type"}), "string");
  EXPECT_EQ(Str(Param(search, "count"), {"schema", "type", "0"}), "integer");
  EXPECT_EQ(Str(Param(search, "cursor"), {"schema", "contentEncoding"}),
            "base64");
  // body "*": nothing from the query.
  EXPECT_FALSE(
      At(doc, {"paths", "/v1/secret", "put", "parameters"}).has_list_value());
}

TEST(OpenApiDocumentTest, RequestBodies) {
  const Value doc = Render();
  const Value put = At(doc, {"paths", "/v1/secret", "put", "requestBody"});
  EXPECT_TRUE(At(put, {"required"}).has_bool_value());
  EXPECT_EQ(Str(put, {"content", "application/json", "schema", "$ref"}),
            "#/components/schemas/gwtest.v1.SetSecretRequest");
  // body "*" with a path variable: the message without that field.
  const Value clear =
      At(doc, {"paths", "/v1/shelves/{shelf_id}:clear", "post", "requestBody",
               "content", "application/json", "schema"});
  EXPECT_EQ(Str(clear, {"type"}), "object");
  EXPECT_TRUE(At(clear, {"properties", "force"}).has_struct_value());
  // Nothing in it is required: an empty body is fine (read as {}).
  EXPECT_FALSE(At(doc, {"paths", "/v1/shelves/{shelf_id}:clear", "post",
                        "requestBody", "required"})
                   .bool_value());
  EXPECT_FALSE(At(clear, {"properties", "shelfId"}).has_struct_value());
  // body naming a field: that field's schema, and the rest from the query.
  const Value patch = At(doc, {"paths", "/v1/{name}", "patch"});
  EXPECT_EQ(Str(patch, {"requestBody", "content", "application/json", "schema",
                        "$ref"}),
            "#/components/schemas/gwtest.v1.Thing");
  const Value tags = At(doc, {"paths", "/v1/books/{book_id}/tags", "post"});
  EXPECT_EQ(Str(tags, {"requestBody", "content", "application/json", "schema",
                       "type"}),
            "array");
  EXPECT_FALSE(At(doc, {"paths", "/v1/things/{id}", "get", "requestBody"})
                   .has_struct_value());
}

TEST(OpenApiDocumentTest, ResponsesFollowResponseBody) {
  const Value doc = Render();
  EXPECT_EQ(Str(doc, {"paths", "/v1/wrapped/{id}", "get", "responses", "200",
                      "content", "application/json", "schema", "$ref"}),
            "#/components/schemas/gwtest.v1.Thing");
  const Value books =
      At(doc, {"paths", "/v1/shelves/{shelf.id}/books", "get", "responses",
               "200", "content", "application/json", "schema"});
  EXPECT_EQ(Str(books, {"type"}), "array");
  EXPECT_EQ(Str(books, {"items", "$ref"}),
            "#/components/schemas/gwtest.v1.Book");
  EXPECT_EQ(Str(doc, {"paths", "/v1/things/{id}", "get", "responses", "200",
                      "content", "application/json", "schema", "$ref"}),
            "#/components/schemas/gwtest.v1.Thing");
}

TEST(OpenApiDocumentTest, SchemasUseTheJsonMapping) {
  const Value doc = Render();
  const Value thing = At(doc, {"components", "schemas", "gwtest.v1.Thing"});
  EXPECT_EQ(Str(thing, {"properties", "weight", "type"}), "string");
  EXPECT_EQ(Str(thing, {"properties", "weight", "format"}), "int64");
  EXPECT_TRUE(At(thing, {"properties", "displayName"}).has_struct_value());
  EXPECT_EQ(Str(doc, {"components", "schemas", "gwtest.v1.View", "enum", "1"}),
            "VIEW_FULL");
  const Value node = At(doc, {"components", "schemas", "gwtest.v1.Node"});
  // Recursion: the node refers to its own component.
  EXPECT_EQ(Str(node, {"properties", "parent", "$ref"}),
            "#/components/schemas/gwtest.v1.Node");
  EXPECT_EQ(Str(node, {"properties", "children", "items", "$ref"}),
            "#/components/schemas/gwtest.v1.Node");
  EXPECT_EQ(Str(node, {"properties", "counts", "additionalProperties", "type"}),
            "string");
  EXPECT_EQ(Str(node, {"properties", "size", "format"}), "uint64");
  EXPECT_EQ(Str(node, {"properties", "labels", "type"}), "object");
  EXPECT_TRUE(At(node, {"properties", "extra"}).has_struct_value());
  EXPECT_EQ(Str(node, {"properties", "detail", "required", "0"}), "@type");
  EXPECT_EQ(Str(node, {"properties", "limit", "type", "1"}), "null");
  EXPECT_EQ(Str(node, {"properties", "createdAt", "format"}), "date-time");
  EXPECT_EQ(Str(node, {"properties", "blob", "contentEncoding"}), "base64");
  EXPECT_EQ(Str(node, {"properties", "ratio", "type"}), "number");
  EXPECT_EQ(Str(node, {"properties", "number", "type"}), "integer");
}

TEST(OpenApiDocumentTest, CommentsComeFromTheDocumentationPool) {
  const Value bare = Render();
  EXPECT_FALSE(At(bare, {"paths", "/v1/nodes/{node_id}", "get", "summary"})
                   .has_string_value());
  const Value doc = Render({.documentation = &DocumentationPool()});
  const Value get = At(doc, {"paths", "/v1/nodes/{node_id}", "get"});
  EXPECT_EQ(Str(get, {"summary"}), "Gets one node.");
  EXPECT_EQ(Str(get, {"description"}),
            "Gets one node. Its children come with it.");
  EXPECT_EQ(Str(Param(get, "node_id"), {"description"}), "The node to get.");
  EXPECT_EQ(Str(Param(get, "filter.prefix"), {"description"}),
            "Only ids with this prefix.");
  EXPECT_EQ(Str(doc, {"components", "schemas", "gwtest.v1.Node", "properties",
                      "id", "description"}),
            "Unique within its tree.");
  EXPECT_EQ(
      Str(doc, {"components", "schemas", "gwtest.v1.Node", "description"}),
      "A node of a tree: it refers to itself.");
  EXPECT_EQ(Str(doc, {"tags", "2", "name"}), "DocService");
  EXPECT_EQ(Str(doc, {"tags", "2", "description"}).substr(0, 20),
            "Documents a tree for");
}

TEST(OpenApiDocumentTest, SecurityAndProblems) {
  const Value doc = Render();
  const Value op = At(doc, {"paths", "/v1/things/{id}", "get"});
  EXPECT_TRUE(At(op, {"security", "0", "bearerAuth"}).has_list_value());
  for (const char* scheme : {"hmacAuth", "integratorKey", "timestamp"}) {
    EXPECT_TRUE(At(op, {"security", "1", scheme}).has_list_value()) << scheme;
  }
  const Value schemes = At(doc, {"components", "securitySchemes"});
  EXPECT_EQ(Str(schemes, {"bearerAuth", "scheme"}), "bearer");
  EXPECT_EQ(Str(schemes, {"hmacAuth", "name"}), "X-Signature");
  EXPECT_EQ(Str(schemes, {"integratorKey", "name"}), "X-Integrator-Key");
  EXPECT_EQ(Str(schemes, {"timestamp", "name"}), "X-Timestamp");
  for (const char* status :
       {"400", "401", "403", "404", "500", "503", "default"}) {
    const std::string ref = Str(op, {"responses", status, "$ref"});
    ASSERT_EQ(ref.rfind("#/components/responses/", 0), 0u) << status;
    const Value response = At(doc, {"components", "responses", ref.substr(23)});
    EXPECT_EQ(Str(response,
                  {"content", "application/problem+json", "schema", "$ref"}),
              "#/components/schemas/Problem");
    EXPECT_TRUE(At(response, {"headers", "X-Request-Id"}).has_struct_value());
  }
  const Value problem = At(doc, {"components", "schemas", "Problem"});
  EXPECT_EQ(Str(problem, {"properties", "status", "type"}), "integer");
  EXPECT_EQ(Str(problem, {"properties", "retryable", "type"}), "boolean");
  EXPECT_EQ(Str(problem, {"properties", "errors", "items", "required", "1"}),
            "detail");
}

TEST(OpenApiDocumentTest, TextIsDeterministicWithIntegerNumbers) {
  absl::StatusOr<std::string> first = RenderOpenApiDocument(*AllRoutes(), {});
  absl::StatusOr<std::string> second = RenderOpenApiDocument(*AllRoutes(), {});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(first->rfind("{\n  \"components\": {\n    \"headers\"", 0), 0u);
  EXPECT_NE(first->find("\"maximum\": 599"), std::string::npos);
  EXPECT_EQ(first->find(".0,"), std::string::npos);
  // For external validators (swagger-parser): every rule shape in one file.
  if (const char* path = std::getenv("OPENAPI_DUMP"); path != nullptr) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << *first;
  }
}

}  // namespace
}  // namespace gateway
