#pragma once
// Everything the Consumer API pushes: the engine's events, translated once
// (notification_events.hpp), go to the socket.io namespace and to the Server-Sent Events
// streams. Started by the plugin's start(), stopped by its stop(): the engine listener is
// removed first, then the namespace and the streams close, so nothing of the plugin runs
// afterwards.

#include <cstdint>
#include <memory>

#include "notification_events.hpp"
#include "processhost/host_context.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/identity.hpp"
#include "socket_notifications.hpp"

namespace processhost::plugins::consumer_api {

class ConsumerNotifications {
 public:
  // Listens to engine; opens the socket.io namespace when the host offers socket.io.
  void start(HostContext& context, EngineService& engine, const IdentityService* identity);
  void stop() noexcept;

 private:
  EngineService* engine_ = nullptr;
  std::uint64_t listener_id_ = 0;
  std::shared_ptr<NotificationTranslator> translator_;
  std::shared_ptr<SocketNotifications> sockets_;
};

}  // namespace processhost::plugins::consumer_api
