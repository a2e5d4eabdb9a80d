#include "consumer_notifications.hpp"

#include "consumer_api_routes.hpp"
#include "plugin_common/http_api/authenticator.hpp"
#include "processhost/services/socket_io.hpp"

namespace processhost::plugins::consumer_api {

ConsumerNotifications::ConsumerNotifications() : streams_(std::make_shared<SseNotifications>()) {}

ConsumerNotifications::~ConsumerNotifications() { stop(); }

void ConsumerNotifications::add_routes(HostContext& context, const http_api::ApiStatePtr& state) {
  context.http().add_route(
      "GET", std::string(kConsumerApiBase) + "/notifications",
      [state, streams = streams_](HttpRequest request, std::shared_ptr<Responder> responder) {
        if (!state->serving.load()) {
          responder->respond(HttpResponse::error(ErrorStatus::unavailable, "the Consumer API is not serving"));
          return;
        }
        auto identity = http_api::authenticate(state->identity, request);
        if (!identity) {
          responder->respond(HttpResponse::error(identity.error()));
          return;
        }
        streams->subscribe(*identity, request, responder);
      });
}

void ConsumerNotifications::start(HostContext& context, EngineService& engine, const IdentityService* identity) {
  translator_ = std::make_shared<NotificationTranslator>();
  if (auto* socket_io = context.services().find<SocketIoService>()) {
    sockets_ = std::make_shared<notifications::SocketNotifications>(*socket_io, kSocketNamespace, identity,
                                                                    context.logger());
    context.logger().info(std::string("notifications on socket.io namespace ") + kSocketNamespace +
                          " and as Server-Sent Events at " + kConsumerApiBase + "/notifications");
  } else {
    context.logger().warn("the host offers no socket.io service (processhost.socket_io/1): notifications only as "
                          "Server-Sent Events");
  }
  engine_ = &engine;
  // Runs on engine threads after each commit: translates and queues, never waits.
  listener_id_ = engine.add_listener(
      [translator = translator_, sockets = sockets_, streams = streams_](const EngineEvent& event) {
        for (const auto& notification : translator->translate(event)) {
          if (sockets) sockets->publish(notification);
          streams->publish(notification);
        }
      });
  heartbeat_ = std::thread([this] { beat_until_stopped(); });
}

void ConsumerNotifications::beat_until_stopped() {
  std::unique_lock lock(heartbeat_mutex_);
  while (!heartbeat_wake_.wait_for(lock, kHeartbeatPeriod, [this] { return stopping_; })) {
    lock.unlock();
    streams_->heartbeat();
    lock.lock();
  }
}

void ConsumerNotifications::stop() noexcept {
  if (engine_ != nullptr) engine_->remove_listener(listener_id_);
  engine_ = nullptr;
  // An engine thread may still hold the listener's copy; the namespace closes now anyway.
  if (sockets_) sockets_->close();
  sockets_.reset();
  streams_->close();
  {
    std::lock_guard lock(heartbeat_mutex_);
    stopping_ = true;
  }
  heartbeat_wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

}  // namespace processhost::plugins::consumer_api
