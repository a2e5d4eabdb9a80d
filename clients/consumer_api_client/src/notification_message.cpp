// Notification messages of the event stream into typed values, and the stream's filter
// into its query.
#include "json_reader.hpp"
#include "processhost/client/notifications.hpp"

namespace processhost::client {

bool Notification::ends_instance() const {
  return event_name == notification_event::kProcessEnded || event_name == notification_event::kProcessError ||
         event_name == notification_event::kProcessTerminated;
}

ClientResult<Notification> read_notification(std::string event_id, std::string event_name, std::string_view data) {
  constexpr std::string_view kShape = "Notification";
  return json::detail::read_document<Notification>(data, kShape, [&](const rapidjson::Value& value) {
    using namespace json::detail;
    require_object(value, kShape);
    Notification notification;
    notification.event_id = std::move(event_id);
    notification.event_name = std::move(event_name);
    notification.process_model_id = optional_string(value, "processModelId", kShape).value_or("");
    notification.process_instance_id = optional_string(value, "processInstanceId", kShape).value_or("");
    notification.correlation_id = optional_string(value, "correlationId", kShape).value_or("");
    notification.flow_node_id = optional_string(value, "flowNodeId", kShape);
    notification.flow_node_instance_id = optional_string(value, "flowNodeInstanceId", kShape);
    notification.flow_node_type = optional_string(value, "flowNodeType", kShape);
    notification.current_token = raw_or_null(value, "currentToken");
    notification.message = serialize(value);
    return notification;
  });
}

std::string NotificationFilter::query() const {
  std::string query;
  auto add = [&](const char* name, const std::optional<std::string>& value) {
    if (value) query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encode_component(*value);
  };
  add("process_model_id", process_model_id);
  add("correlation_id", correlation_id);
  add("process_instance_id", process_instance_id);
  return query;
}

}  // namespace processhost::client
