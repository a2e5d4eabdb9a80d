#include "processhost/client/host_discovery.hpp"

#include <algorithm>

#include "checked_call.hpp"
#include "processhost/client/json_mapping.hpp"

namespace processhost::client {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<std::string> HostCapabilities::plugin_names() const {
  std::vector<std::string> names;
  for (const auto& plugin : plugins.plugins) {
    if (!plugin.built_in) names.push_back(plugin.name);
  }
  return names;
}

std::vector<std::string> HostCapabilities::built_in_names() const {
  std::vector<std::string> names;
  for (const auto& plugin : plugins.plugins) {
    if (plugin.built_in) names.push_back(plugin.name);
  }
  return names;
}

std::string HostCapabilities::summary() const {
  std::string text = plugins.host_name + " " + plugins.host_version + " with plugins " + join(plugin_names());
  if (auto built_in = built_in_names(); !built_in.empty()) text += " (built in: " + join(built_in) + ")";
  return text;
}

ClientResult<HostCapabilities> discover_host(HttpTransport& transport) {
  auto reply = detail::send_checked(transport, detail::make_call("GET", std::string(kHostPluginsPath), nullptr));
  if (!reply) {
    ClientError error = std::move(reply).take_error();
    if (error.kind == ErrorKind::http && error.status == 404) {
      error.kind = ErrorKind::unsupported;
      error.message = transport.base_url().to_string() + " is not a ProcessHost: GET " + std::string(kHostPluginsPath) +
                      " answered 404 (" + error.message + ")";
    }
    return error;
  }
  auto plugins = json::read_host_plugins(reply->body);
  if (!plugins) return std::move(plugins).take_error();
  HostCapabilities capabilities;
  capabilities.plugins = std::move(plugins).value();
  for (const auto& plugin : capabilities.plugins.plugins) {
    if (plugin.name == kConsumerApiPluginName) {
      capabilities.consumer_api = true;
      capabilities.notifications = true;
    }
    if (std::find(plugin.provides.begin(), plugin.provides.end(), kIdentityServiceId) != plugin.provides.end()) {
      capabilities.login_required = true;
    }
  }
  return capabilities;
}

ClientStatus require_consumer_api(const HostCapabilities& capabilities, const BaseUrl& url) {
  if (capabilities.consumer_api) return Done{};
  return make_client_error(ErrorKind::unsupported,
                           "the host at " + url.to_string() + " does not offer the Consumer API (plugins loaded: " +
                               join(capabilities.plugin_names()) + "); add \"" + std::string(kConsumerApiPluginName) +
                               "\" to the plugin list of its host config");
}

std::unique_ptr<NotificationSource> notification_source_for(const HostCapabilities& capabilities, const BaseUrl& url,
                                                            SubscribeOptions options) {
  if (!capabilities.notifications) return nullptr;
  return std::make_unique<SseNotificationSource>(url, options);
}

}  // namespace processhost::client
