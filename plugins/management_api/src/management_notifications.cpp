#include "management_notifications.hpp"

#include <optional>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "management_api_routes.hpp"
#include "processhost/json.hpp"
#include "processhost/services/socket_io.hpp"
#include "processhost/states.hpp"

namespace processhost::plugins::management_api {

std::optional<notifications::Notification> cronjob_notification(const EngineEvent& event) {
  if (event.kind != EngineEventKind::cronjob_executed && event.kind != EngineEventKind::cronjob_updated &&
      event.kind != EngineEventKind::cronjob_removed) {
    return std::nullopt;
  }
  std::string crontab;
  rapidjson::Document payload;
  if (!json_parse(event.payload, payload, JsonLimits::for_stored_data()) && payload.IsObject()) {
    if (auto found = payload.FindMember("crontab"); found != payload.MemberEnd() && found->value.IsString()) {
      crontab = found->value.GetString();
    }
  }
  // The contract's CronjobBaseEventMessage: one cron start event per engine event.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("processModelId");
  writer.String(event.process_model_id.c_str(), static_cast<rapidjson::SizeType>(event.process_model_id.size()));
  writer.Key("cronjobs");
  writer.StartArray();
  writer.StartObject();
  writer.Key("startEventId");
  writer.String(event.flow_node_id.c_str(), static_cast<rapidjson::SizeType>(event.flow_node_id.size()));
  writer.Key("cronjob");
  writer.String(crontab.c_str(), static_cast<rapidjson::SizeType>(crontab.size()));
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  notifications::Notification notification;
  notification.event = std::string(name_of(event.kind));
  notification.message.assign(buffer.GetString(), buffer.GetSize());
  return notification;
}

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
        if (auto cronjob = cronjob_notification(event)) {
          sockets->publish(*cronjob);
          return;
        }
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
