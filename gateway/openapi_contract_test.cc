// The generated OpenAPI document of integrator.v1.IntegratorService: what
// the gateway serves at /openapi.json for this API. Linked with the
// integrator's protos only, never with the service.
//
// With OPENAPI_DUMP=<path> in the environment it also writes the document
// there, for external validators (swagger-parser, Prism).
#include <cstdlib>
#include <fstream>

#include "gateway/openapi_document.h"
#include "gateway/openapi_test_util.h"
#include "gateway/route_table.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "integrator/v1/integrator.pb.h"

#ifndef OPENAPI_TEST_DESCRIPTORS
#define OPENAPI_TEST_DESCRIPTORS "integrator_descriptors.pb"
#endif

namespace gateway {
namespace {

using google::protobuf::Value;

const google::protobuf::DescriptorPool& DocumentationPool() {
  return testing::CommentedPool(OPENAPI_TEST_DESCRIPTORS);
}

std::string RenderText() {
  (void)integrator::v1::UpdateWebhookSecretRequest::descriptor();
  absl::StatusOr<std::shared_ptr<const RouteTable>> routes =
      RouteTable::Build(*google::protobuf::DescriptorPool::generated_pool(),
                        {std::string("integrator.v1.IntegratorService")});
  EXPECT_TRUE(routes.ok()) << routes.status();
  EXPECT_TRUE((*routes)->skipped_rules().empty());
  absl::StatusOr<std::string> json =
      RenderOpenApiDocument(**routes, {.title = "Integrator API",
                                       .version = "1.0.0",
                                       .documentation = &DocumentationPool()});
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : "";
}

Value Render() {
  Value doc;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(RenderText(), &doc).ok());
  return doc;
}

Value At(const Value& root, std::initializer_list<std::string> path) {
  Value current = root;
  for (const std::string& key : path) {
    if (current.has_struct_value() &&
        current.struct_value().fields().count(key) > 0) {
      Value next = current.struct_value().fields().at(key);  // Not aliased.
      current = std::move(next);
    } else if (current.has_list_value() &&
               std::stoi(key) < current.list_value().values_size()) {
      Value next = current.list_value().values(std::stoi(key));
      current = std::move(next);
    } else {
      return Value();
    }
  }
  return current;
}

TEST(OpenApiContractTest, WebhookSecretPutIsDocumented) {
  const Value doc = Render();
  const Value put = At(doc, {"paths", "/v1/integrator/webhook-secret", "put"});
  EXPECT_EQ(At(put, {"operationId"}).string_value(), "UpdateWebhookSecret");
  EXPECT_EQ(At(put, {"summary"}).string_value(),
            "Sets the secret that signs every webhook sent to the integrator.");
  for (const char* status : {"200", "401", "404", "500"}) {
    EXPECT_TRUE(At(put, {"responses", status}).has_struct_value()) << status;
  }
  const Value body = At(doc, {"components", "schemas",
                              "integrator.v1.UpdateWebhookSecretRequest"});
  EXPECT_EQ(
      At(put, {"requestBody", "content", "application/json", "schema", "$ref"})
          .string_value(),
      "#/components/schemas/integrator.v1.UpdateWebhookSecretRequest");
  const Value secret = At(body, {"properties", "secret"});
  EXPECT_EQ(At(secret, {"minLength"}).number_value(), 1);
  EXPECT_EQ(At(secret, {"maxLength"}).number_value(), 1024);
  EXPECT_EQ(At(secret, {"examples", "0"}).string_value(), "whsec_abc123def456");
  EXPECT_EQ(At(body, {"required", "0"}).string_value(), "secret");
  EXPECT_TRUE(At(put, {"requestBody", "required"}).bool_value());
  EXPECT_EQ(
      At(body, {"properties", "previousSecretTtl", "type"}).string_value(),
      "string");
  EXPECT_EQ(
      At(body, {"properties", "integratorId", "maxLength"}).number_value(), 64);
  EXPECT_FALSE(At(secret, {"description"}).string_value().empty());
  EXPECT_EQ(
      At(doc, {"paths", "/v1/integrator/webhook-secret", "post", "operationId"})
          .string_value(),
      "UpdateWebhookSecret2");
}

TEST(OpenApiContractTest, WebhookRoutesAreDocumented) {
  const Value doc = Render();
  const Value list = At(doc, {"paths", "/v1/integrator/webhooks", "get"});
  EXPECT_EQ(At(list, {"responses", "200", "content", "application/json",
                      "schema", "items", "$ref"})
                .string_value(),
            "#/components/schemas/integrator.v1.Webhook");
  EXPECT_EQ(At(list, {"parameters", "0", "name"}).string_value(),
            "integratorId");
  const Value create =
      At(doc, {"components", "schemas", "integrator.v1.CreateWebhookRequest"});
  EXPECT_EQ(At(create, {"properties", "url", "maxLength"}).number_value(),
            2048);
  EXPECT_EQ(At(create, {"properties", "events", "maxItems"}).number_value(), 9);
  EXPECT_EQ(At(create, {"required", "0"}).string_value(), "url");
  EXPECT_EQ(At(create, {"required", "1"}).string_value(), "events");
  const Value enable =
      At(doc, {"paths", "/v1/integrator/webhooks/{webhook_id}:enable", "post"});
  EXPECT_EQ(At(enable, {"parameters", "0", "in"}).string_value(), "path");
  EXPECT_EQ(
      At(enable, {"parameters", "0", "schema", "maxLength"}).number_value(),
      64);
  // body "*" without the path's webhook_id.
  EXPECT_FALSE(At(enable, {"requestBody", "content", "application/json",
                           "schema", "properties", "webhookId"})
                   .has_struct_value());
  EXPECT_TRUE(At(doc, {"paths",
                       "/v1/integrator/webhooks/{webhook_id}/deliveries/"
                       "{delivery_id}:retry",
                       "post"})
                  .has_struct_value());
  const Value deliveries = At(
      doc, {"paths", "/v1/integrator/webhooks/{webhook_id}/deliveries", "get"});
  EXPECT_EQ(At(deliveries, {"parameters", "2", "name"}).string_value(),
            "pageSize");
  EXPECT_EQ(
      At(deliveries, {"parameters", "2", "schema", "maximum"}).number_value(),
      100);
  EXPECT_EQ(At(doc, {"components", "schemas", "integrator.v1.WebhookDelivery",
                     "properties", "createdAt", "format"})
                .string_value(),
            "date-time");
  EXPECT_EQ(At(doc, {"tags", "0", "name"}).string_value(), "IntegratorService");
}

TEST(OpenApiContractTest, DumpsTheDocumentWhenAsked) {
  const std::string text = RenderText();
  ASSERT_FALSE(text.empty());
  if (const char* path = std::getenv("OPENAPI_DUMP"); path != nullptr) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << path;
  }
}

}  // namespace
}  // namespace gateway
