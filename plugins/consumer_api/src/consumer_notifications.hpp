#pragma once
// Everything the Consumer API pushes: the engine's events, translated once
// (notification_events.hpp), go to the socket.io namespace /consumer_api and to the
// Server-Sent Events streams of GET /api/consumer/v1/notifications. The route is registered
// in configure; start listens to the engine and opens the namespace; stop removes the engine
// listener first, then closes the namespace and the streams and joins the heartbeat thread,
// so nothing of the plugin runs afterwards.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "notification_events.hpp"
#include "plugin_common/http_api/api_state.hpp"
#include "processhost/host_context.hpp"
#include "plugin_common/notifications/socket_notifications.hpp"
#include "sse_notifications.hpp"

namespace processhost::plugins::consumer_api {

class ConsumerNotifications {
 public:
  static constexpr const char* kSocketNamespace = "/consumer_api";
  static constexpr std::chrono::seconds kHeartbeatPeriod{15};

  ConsumerNotifications();
  ~ConsumerNotifications();

  // GET /api/consumer/v1/notifications, authenticated like every Consumer API route.
  void add_routes(HostContext& context, const http_api::ApiStatePtr& state);
  // Listens to the engine; opens the socket.io namespace when the host offers socket.io.
  void start(HostContext& context, EngineService& engine, const IdentityService* identity);
  void stop() noexcept;

 private:
  void beat_until_stopped();

  EngineService* engine_ = nullptr;
  std::uint64_t listener_id_ = 0;
  std::shared_ptr<NotificationTranslator> translator_;
  std::shared_ptr<notifications::SocketNotifications> sockets_;
  std::shared_ptr<SseNotifications> streams_;
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace processhost::plugins::consumer_api
