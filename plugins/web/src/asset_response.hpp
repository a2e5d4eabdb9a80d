#pragma once
// The answer to a GET of one static asset: the body, or 304 when the browser's copy is
// current, with the caching headers of the asset's kind.

#include <string_view>

#include "processhost/services/http.hpp"
#include "static_assets.hpp"

namespace processhost::plugins::web {

// Vendored libraries ("vendor/...") are pinned by version and cached for a day; the app's
// own files are revalidated on every load (no-cache with an ETag: a 304 costs one round
// trip and a new host version is picked up at once).
HttpResponse asset_response(const HttpRequest& request, std::string_view asset_path, const StaticAsset& asset);

}  // namespace processhost::plugins::web
