#include "consumer_notifications.hpp"

#include "processhost/services/socket_io.hpp"

namespace processhost::plugins::consumer_api {

void ConsumerNotifications::start(HostContext& context, EngineService& engine, const IdentityService* identity) {
  translator_ = std::make_shared<NotificationTranslator>();
  if (auto* socket_io = context.services().find<SocketIoService>()) {
    sockets_ = std::make_shared<SocketNotifications>(*socket_io, identity, context.logger());
    context.logger().info(std::string("notifications on socket.io namespace ") + SocketNotifications::kNamespace);
  } else {
    context.logger().warn("the host offers no socket.io service (processhost.socket_io/1): no socket.io notifications");
  }
  engine_ = &engine;
  // Runs on engine threads after each commit: translates and queues, never waits.
  listener_id_ = engine.add_listener([translator = translator_, sockets = sockets_](const EngineEvent& event) {
    for (const auto& notification : translator->translate(event)) {
      if (sockets) sockets->publish(notification);
    }
  });
}

void ConsumerNotifications::stop() noexcept {
  if (engine_ != nullptr) engine_->remove_listener(listener_id_);
  engine_ = nullptr;
  // An engine thread may still hold the listener's copy; the namespace closes now anyway.
  if (sockets_) sockets_->close();
  sockets_.reset();
  translator_.reset();
}

}  // namespace processhost::plugins::consumer_api
