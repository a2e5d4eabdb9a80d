#include "management_notifications.hpp"

#include <utility>

#include "management_api_routes.hpp"
#include "processhost/services/socket_io.hpp"

namespace processhost::plugins::management_api {

std::string management_event_name(const std::string& event) {
  if (event == "intermediate_catch_event_reached") return "intermediate_catch_event_reacbed";
  return event;
}

ManagementNotifications::~ManagementNotifications() { stop(); }

std::shared_ptr<notifications::SocketNotifications> ManagementNotifications::current() const {
  std::lock_guard lock(mutex_);
  return sockets_;
}

void ManagementNotifications::start(HostContext& context, EngineService& engine, const IdentityService* identity) {
  auto* socket_io = context.services().find<SocketIoService>();
  if (socket_io == nullptr) {
    context.logger().warn("the host offers no socket.io service (processhost.socket_io/1): no Management API "
                          "notifications");
    return;
  }
  auto sockets = std::make_shared<notifications::SocketNotifications>(
      *socket_io, kSocketNamespace, identity, context.logger(),
      notifications::SocketAdmissionRule{.required_claim = std::string(claims::kReadProcessModel),
                                         .super_claim = std::string(kSuperAdminClaim)});
  {
    std::lock_guard lock(mutex_);
    sockets_ = sockets;
  }
  context.logger().info(std::string("Management API notifications on socket.io namespace ") + kSocketNamespace);
  engine_ = &engine;
  // Runs on engine threads after each commit: translates and queues, never waits. The
  // translator is this listener's own (it remembers the end event each instance reached).
  listener_id_ = engine.add_listener(
      [translator = std::make_shared<notifications::NotificationTranslator>(), sockets](const EngineEvent& event) {
        for (auto& notification : translator->translate(event)) {
          notification.event = management_event_name(notification.event);
          sockets->publish(notification);
        }
      });
}

void ManagementNotifications::publish_cronjob_event(std::string_view event, std::string message) {
  auto sockets = current();
  if (!sockets) return;
  notifications::Notification notification;
  notification.event = std::string(event);
  notification.message = std::move(message);
  sockets->publish(notification);
}

std::size_t ManagementNotifications::client_count() const {
  auto sockets = current();
  return sockets ? sockets->client_count() : 0;
}

void ManagementNotifications::stop() noexcept {
  if (engine_ != nullptr) engine_->remove_listener(listener_id_);
  engine_ = nullptr;
  // An engine thread may still hold the listener's copy; the namespace closes now anyway.
  std::shared_ptr<notifications::SocketNotifications> sockets;
  {
    std::lock_guard lock(mutex_);
    sockets.swap(sockets_);
  }
  if (sockets) sockets->close();
}

}  // namespace processhost::plugins::management_api
