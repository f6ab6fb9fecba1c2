#include "gateway/api_docs.h"

#include "gateway/docs_assets.h"

namespace gateway {
namespace {

HttpResponse StaticResponse(absl::string_view content_type,
                            absl::string_view body,
                            absl::string_view cache_control) {
  HttpResponse response;
  response.headers = {
      {"content-type", std::string(content_type)},
      {"content-security-policy", std::string(kDocsContentSecurityPolicy)},
      {"x-content-type-options", "nosniff"},
      {"referrer-policy", "no-referrer"},
      {"cache-control", std::string(cache_control)},
  };
  response.body.assign(body.data(), body.size());
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const ApiDocs>> ApiDocs::Build(
    const RouteTable& routes, const OpenApiOptions& options) {
  absl::StatusOr<std::string> document = RenderOpenApiDocument(routes, options);
  if (!document.ok()) return document.status();
  return std::make_unique<const ApiDocs>(*std::move(document));
}

std::optional<HttpResponse> ApiDocs::Serve(const HttpRequest& request) const {
  if (request.method != "GET") return std::nullopt;
  absl::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path == "/openapi.json") {
    // Revalidated on every use: the document changes with the routes.
    return StaticResponse("application/json", document_, "no-cache");
  }
  if (path == "/docs/") path = "/docs";
  const DocsAsset* asset = FindDocsAsset(path);
  if (asset == nullptr) return std::nullopt;
  // The page and its assets change only with the binary.
  return StaticResponse(asset->content_type, asset->body,
                        path == "/docs" ? "no-cache" : "public, max-age=3600");
}

}  // namespace gateway
