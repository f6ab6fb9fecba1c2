// The gateway's own documentation routes, beside the API's:
//   GET /openapi.json  the OpenAPI 3.1 document of the served routes
//                      (openapi_document.h), rendered once when the routes
//                      are compiled, so it cannot drift from them;
//   GET /docs          an interactive page (Swagger UI, docs_assets.h) that
//                      renders that document; "Try it out" calls this same
//                      server.
//
// Contract: Serve() answers only GET requests for those paths (a query
// string is ignored) and returns nullopt for anything else, which the
// transcoder then routes. Every response carries a strict
// Content-Security-Policy (scripts, styles and images from this origin only,
// no inline script, no framing), nosniff and no-referrer. An API that
// annotates its own GET /openapi.json or /docs is shadowed by these routes.
// Immutable after Build(); thread-safe.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<const ApiDocs>> docs =
//       ApiDocs::Build(*routes, {.title = "integrator-api"});
//   if (std::optional<HttpResponse> r = (*docs)->Serve(request)) done(*r);
#ifndef GATEWAY_API_DOCS_H_
#define GATEWAY_API_DOCS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/http_message.h"
#include "gateway/openapi_document.h"
#include "gateway/route_table.h"

namespace gateway {

// The policy of every docs response: the page needs nothing from elsewhere.
inline constexpr absl::string_view kDocsContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class ApiDocs {
 public:
  static absl::StatusOr<std::unique_ptr<const ApiDocs>> Build(
      const RouteTable& routes, const OpenApiOptions& options);

  std::optional<HttpResponse> Serve(const HttpRequest& request) const;

  const std::string& document() const { return document_; }

  // Use Build(); this takes an already rendered document.
  explicit ApiDocs(std::string document) : document_(std::move(document)) {}

 private:
  std::string document_;
};

}  // namespace gateway

#endif  // GATEWAY_API_DOCS_H_
