#pragma once
// The consumer_api plugin: registers the Consumer API's routes in configure(), finds the
// engine and (optionally) the identity service in start(), and in stop() turns every
// route into a 503 and answers every waiting request.

#include <string>

#include "plugin_common/http_api/api_state.hpp"
#include "processhost/plugin.hpp"

namespace processhost::plugins::consumer_api {

using http_api::ApiState;
using http_api::ApiStatePtr;

class ConsumerApiPlugin final : public Plugin {
 public:
  // version: what /info reports.
  explicit ConsumerApiPlugin(std::string version);
  ~ConsumerApiPlugin() override;

  // Registers every route of consumer_api_routes() and builds the OpenAPI document.
  void configure(HostContext& context) override;
  // Requires processhost.engine/1; uses processhost.identity/1 when loaded, else warns
  // that authentication is off.
  void start(HostContext& context) override;
  void stop() noexcept override;

  const ApiStatePtr& state() const { return state_; }

 private:
  ApiStatePtr state_;
};

}  // namespace processhost::plugins::consumer_api
