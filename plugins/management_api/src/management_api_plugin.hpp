#pragma once
// The management_api plugin: the Management API's route table served by the shared
// ApiPlugin, with can_manage_process_instances as the claim that passes every check, and
// its socket.io namespace /management_api.

#include <string>

#include "management_notifications.hpp"
#include "plugin_common/http_api/api_plugin.hpp"

namespace processhost::plugins::management_api {

class ManagementApiPlugin final : public http_api::ApiPlugin {
 public:
  // version: what the OpenAPI document reports.
  explicit ManagementApiPlugin(std::string version);
  // The plugin's own version (PROCESSHOST_PLUGIN_VERSION); defined with the entry symbol.
  ManagementApiPlugin();
  ~ManagementApiPlugin() override;

  void start(HostContext& context) override;
  void stop() noexcept override;

  ManagementNotifications& notifications() { return notifications_; }

 private:
  ManagementNotifications notifications_;
};

}  // namespace processhost::plugins::management_api
