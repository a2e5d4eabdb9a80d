#pragma once
// web: serves the browser app (task list and cockpit) at /app. The app talks to the other
// plugins' HTTP APIs itself and reads GET /host/plugins to know which are loaded.
//
// Config (optional): {"assets": "folder"}, relative to the plugin's config folder; by
// default the folder "web" beside web.so, where the build and `cmake --install` put it.
//
// Threading: configure() reads every file into memory; the handlers only copy from that
// map, which is never changed after configure(), so they never block and need no lock.

#include <map>
#include <string>

#include "processhost/plugin.hpp"
#include "static_assets.hpp"

namespace processhost::plugins::web {

inline constexpr const char* kAppRoute = "/app";

class WebPlugin final : public Plugin {
 public:
  void configure(HostContext& context) override;
  void start(HostContext& context) override;
  void stop() noexcept override;

 private:
  void add_asset_route(HttpRouter& router, const std::string& route, const std::string& asset_path);

  std::map<std::string, StaticAsset> assets_;
};

}  // namespace processhost::plugins::web
