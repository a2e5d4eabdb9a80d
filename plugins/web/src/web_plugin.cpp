#include "web_plugin.hpp"

#include "asset_response.hpp"
#include "plugin_location.hpp"

namespace processhost::plugins::web {

void WebPlugin::configure(HostContext& context) {
  const rapidjson::Value& config = context.config();
  std::filesystem::path root = plugin_directory() / "web";
  if (auto assets = config.FindMember("assets"); assets != config.MemberEnd()) {
    root = context.resolve_path(assets->value.GetString());
  }
  assets_ = load_static_assets(root);
  // One literal route per file: a path that names no file of the folder ("..", an
  // encoded slash, a hidden file) matches no route and is the router's 404.
  HttpRouter& router = context.http();
  add_asset_route(router, kAppRoute, "index.html");
  for (const auto& [asset_path, asset] : assets_) {
    add_asset_route(router, std::string(kAppRoute) + "/" + asset_path, asset_path);
  }
  context.logger().info("serving the web app at " + std::string(kAppRoute) + " (" + std::to_string(assets_.size()) +
                        " files from " + root.string() + ")");
}

void WebPlugin::start(HostContext& /*context*/) {}

void WebPlugin::stop() noexcept {}

void WebPlugin::add_asset_route(HttpRouter& router, const std::string& route, const std::string& asset_path) {
  const StaticAsset* asset = &assets_.at(asset_path);
  router.add_route("GET", route, [asset, asset_path](HttpRequest request, std::shared_ptr<Responder> responder) {
    responder->respond(asset_response(request, asset_path, *asset));
  });
}

}  // namespace processhost::plugins::web
