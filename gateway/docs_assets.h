// The files of the /docs page, built into the binary: our page and its
// start-up script (gateway/docs/), and Swagger UI's bundle, style sheet and
// icon from the npm package pinned in gateway/docs/package-lock.json. Nothing
// is fetched at run time and nothing comes from a CDN.
//
// Contract: FindDocsAsset("/docs/<name>") returns the asset served at that
// path ("/docs" itself is the page), or nullptr. Bodies live in the
// binary's read-only data for the process's lifetime. Thread-safe.
//
// EXAMPLE:
//   if (const DocsAsset* asset = FindDocsAsset("/docs/swagger-ui.css"))
//     response.body.assign(asset->body);
#ifndef GATEWAY_DOCS_ASSETS_H_
#define GATEWAY_DOCS_ASSETS_H_

#include "absl/strings/string_view.h"

namespace gateway {

struct DocsAsset {
  absl::string_view path;          // "/docs/swagger-ui.css"
  absl::string_view content_type;  // "text/css; charset=utf-8"
  absl::string_view body;
};

const DocsAsset* FindDocsAsset(absl::string_view path);

}  // namespace gateway

#endif  // GATEWAY_DOCS_ASSETS_H_
