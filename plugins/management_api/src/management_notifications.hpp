#pragma once
// The Management API's socket.io namespace "/management_api" (contracts 13, socketSettings):
// the engine's events translated as for the Consumer API (plugin_common/notifications), with
// the Management API's event names. A client joins with its token, like a Consumer API
// client, and needs can_read_process_model (or can_manage_process_instances), as every
// route does. start() listens to the engine and opens the namespace; stop() removes the
// listener first, then closes the namespace, so nothing of the plugin runs afterwards.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "plugin_common/notifications/notification_events.hpp"
#include "plugin_common/notifications/socket_notifications.hpp"
#include "processhost/host_context.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::management_api {

class ManagementNotifications {
 public:
  static constexpr const char* kSocketNamespace = "/management_api";

  ManagementNotifications() = default;
  ~ManagementNotifications();
  ManagementNotifications(const ManagementNotifications&) = delete;
  ManagementNotifications& operator=(const ManagementNotifications&) = delete;

  // Listens to the engine; opens the namespace when the host offers socket.io.
  void start(HostContext& context, EngineService& engine, const IdentityService* identity);
  void stop() noexcept;

  // The cronjob events (cronjob_created, cronjob_executed, cronjob_stopped, cronjob_updated,
  // cronjob_removed) come from the cron scheduler, not from instance events: whatever keeps
  // the cron history emits them here, to every client. message: a JSON object. Thread-safe;
  // reaches nobody before start() or after stop().
  void publish_cronjob_event(std::string_view event, std::string message);

  std::size_t client_count() const;

 private:
  std::shared_ptr<notifications::SocketNotifications> current() const;

  EngineService* engine_ = nullptr;
  std::uint64_t listener_id_ = 0;
  mutable std::mutex mutex_;  // guards sockets_: the cronjob hook may run on any thread
  std::shared_ptr<notifications::SocketNotifications> sockets_;
};

// The Management API's name of a notification's event: the contract spells the catch event's
// arrival "intermediate_catch_event_reacbed" (sic), which its client listens to.
// The contract's cronjob_executed / cronjob_updated / cronjob_removed message of a cron engine
// event ({"processModelId", "cronjobs": [{"startEventId", "cronjob": <crontab>}]}); nullopt for
// any other event.
std::optional<notifications::Notification> cronjob_notification(const EngineEvent& event);

std::string management_event_name(const std::string& event);

}  // namespace processhost::plugins::management_api
