#pragma once
// The consumer_api plugin: the Consumer API's route table served by the shared ApiPlugin,
// and its notifications (socket.io namespace /consumer_api, Server-Sent Events).

#include <string>

#include "consumer_notifications.hpp"
#include "plugin_common/http_api/api_plugin.hpp"

namespace processhost::plugins::consumer_api {

using http_api::ApiState;
using http_api::ApiStatePtr;

class ConsumerApiPlugin final : public http_api::ApiPlugin {
 public:
  // version: what /info reports.
  explicit ConsumerApiPlugin(std::string version);
  // The plugin's own version (PROCESSHOST_PLUGIN_VERSION); defined with the entry symbol.
  ConsumerApiPlugin();
  ~ConsumerApiPlugin() override;

  void configure(HostContext& context) override;
  void start(HostContext& context) override;
  void stop() noexcept override;

 private:
  ConsumerNotifications notifications_;
};

}  // namespace processhost::plugins::consumer_api
