#include "gateway/docs_assets.h"

#include <array>

#include "proto/rpc/embedded_file.h"

// The build defines where the files are (CMakeLists.txt, BUILD.bazel):
// INTEGRATOR_DOCS_PAGE_DIR holds ours, INTEGRATOR_SWAGGER_UI_DIR the npm
// package's.
#ifndef INTEGRATOR_DOCS_PAGE_DIR
#error "INTEGRATOR_DOCS_PAGE_DIR must name gateway/docs"
#endif
#ifndef INTEGRATOR_SWAGGER_UI_DIR
#error "INTEGRATOR_SWAGGER_UI_DIR must name node_modules/swagger-ui-dist"
#endif

INTEGRATOR_EMBED_FILE(docs_page, INTEGRATOR_DOCS_PAGE_DIR "/index.html")
INTEGRATOR_EMBED_FILE(docs_init, INTEGRATOR_DOCS_PAGE_DIR "/docs-init.js")
INTEGRATOR_EMBED_FILE(docs_bundle,
                      INTEGRATOR_SWAGGER_UI_DIR "/swagger-ui-bundle.js")
INTEGRATOR_EMBED_FILE(docs_style, INTEGRATOR_SWAGGER_UI_DIR "/swagger-ui.css")
INTEGRATOR_EMBED_FILE(docs_icon, INTEGRATOR_SWAGGER_UI_DIR "/favicon-32x32.png")
INTEGRATOR_EMBED_FILE(docs_license, INTEGRATOR_SWAGGER_UI_DIR "/LICENSE")

namespace gateway {

const DocsAsset* FindDocsAsset(absl::string_view path) {
  static const std::array<DocsAsset, 6> assets = {{
      {"/docs", "text/html; charset=utf-8", docs_page()},
      {"/docs/docs-init.js", "text/javascript; charset=utf-8", docs_init()},
      {"/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8",
       docs_bundle()},
      {"/docs/swagger-ui.css", "text/css; charset=utf-8", docs_style()},
      {"/docs/favicon-32x32.png", "image/png", docs_icon()},
      {"/docs/swagger-ui-LICENSE", "text/plain; charset=utf-8", docs_license()},
  }};
  for (const DocsAsset& asset : assets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace gateway
