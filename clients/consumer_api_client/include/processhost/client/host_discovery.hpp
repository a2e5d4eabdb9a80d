#pragma once
// Capability discovery: GET /host/plugins tells what the host offers, so a client can
// say "this host has no Consumer API" instead of failing on the first call, and knows
// whether it must log in (an identity service is loaded) or may call anonymously.

#include <memory>
#include <string>
#include <vector>

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/notifications.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client {

inline constexpr std::string_view kHostPluginsPath = "/host/plugins";
inline constexpr std::string_view kConsumerApiPluginName = "consumer_api";
inline constexpr std::string_view kIdentityServiceId = "processhost.identity/1";

struct HostCapabilities {
  HostPlugins plugins;
  bool consumer_api = false;    // a plugin named consumer_api is loaded
  bool login_required = false;  // a plugin provides processhost.identity/1 (IAM)
  // The host pushes notifications (GET /api/consumer/v1/notifications, socket.io): the
  // consumer_api plugin serves them. Without, clients wait by polling.
  bool notifications = false;

  // Names of the loaded plugin libraries; parts built into the host are left out.
  std::vector<std::string> plugin_names() const;
  std::vector<std::string> built_in_names() const;
  // "processhost 0.1.0 with plugins pg_store, iam, consumer_api (built in: engine)"
  std::string summary() const;
};

// Errors: transport/timeout when the host does not answer; ErrorKind::unsupported when the
// server answers but is not a ProcessHost (no /host/plugins).
ClientResult<HostCapabilities> discover_host(HttpTransport& transport);

// ErrorKind::unsupported naming the host and its plugins when the Consumer API is missing.
ClientStatus require_consumer_api(const HostCapabilities& capabilities, const BaseUrl& url);

// The host's notification channel as discovery found it: subscriptions over its event stream
// when capabilities.notifications, else nullptr (the caller waits by polling). Asks nothing
// of the host; the first subscription is the probe (see await_user_task).
std::unique_ptr<NotificationSource> notification_source_for(const HostCapabilities& capabilities, const BaseUrl& url,
                                                            SubscribeOptions options = {});

}  // namespace processhost::client
