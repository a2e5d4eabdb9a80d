#pragma once
// The Plugin that serves an API from a route table: registers every route in configure()
// (with the OpenAPI document built from the same table), finds the engine, the store and,
// when loaded, the identity service in start(), and in stop() turns every route into a 503
// and answers every waiting request. consumer_api and management_api are two of these.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_common/http_api/api_state.hpp"
#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/plugin.hpp"

namespace processhost::plugins::http_api {

// A plugin's config schema when it takes no configuration.
inline constexpr const char* kNoConfigSchema =
    R"json({"type": "object", "additionalProperties": false, "properties": {}})json";

struct ApiDefinition {
  std::string name;         // in messages: "Consumer API"
  std::string super_claim;  // passes every claim check; empty: none
  std::string bases;        // for the start-up log line: "/api/consumer/v1"
  std::function<std::vector<RouteDescriptor>()> routes;
  // Control plane; may throw std::logic_error (a route names an unknown schema).
  std::function<std::string(const std::vector<RouteDescriptor>&, std::string_view version)> openapi;
};

class ApiPlugin : public Plugin {
 public:
  // version: what /info and the OpenAPI document report.
  ApiPlugin(ApiDefinition definition, std::string version);
  ~ApiPlugin() override;

  void configure(HostContext& context) override;
  // Requires processhost.engine/1; uses processhost.store/1 and processhost.identity/1 when
  // loaded. Without an identity service it warns that authentication is off.
  void start(HostContext& context) override;
  void stop() noexcept override;

  const ApiStatePtr& state() const { return state_; }

 private:
  ApiDefinition definition_;
  ApiStatePtr state_;
};

}  // namespace processhost::plugins::http_api
