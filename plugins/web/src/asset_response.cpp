#include "asset_response.hpp"

#include <string>

namespace processhost::plugins::web {
namespace {

bool browser_copy_is_current(const HttpRequest& request, const StaticAsset& asset) {
  const auto if_none_match = request.header("if-none-match");
  if (!if_none_match) return false;
  // The header may list several tags or be "*".
  return *if_none_match == "*" || if_none_match->find(asset.etag) != std::string_view::npos;
}

}  // namespace

HttpResponse asset_response(const HttpRequest& request, std::string_view asset_path, const StaticAsset& asset) {
  HttpResponse response;
  const bool vendored = asset_path.rfind("vendor/", 0) == 0;
  response.headers.emplace_back("Cache-Control", vendored ? "public, max-age=86400" : "no-cache");
  response.headers.emplace_back("ETag", asset.etag);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (browser_copy_is_current(request, asset)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.headers.emplace_back("Content-Type", asset.content_type);
  if (asset_path == "index.html") {
    // The app loads its scripts from this host only; bpmn-js draws with inline styles.
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                  "font-src 'self' data:; frame-ancestors 'none'");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  response.body = asset.body;
  return response;
}

}  // namespace processhost::plugins::web
