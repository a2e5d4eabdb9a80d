#include "plugin_common/notifications/notification_events.hpp"

#include <rapidjson/document.h>

#include "processhost/json.hpp"

namespace processhost::plugins::notifications {
namespace {

// The per-user event's name as the original server and client both compute it: the template
// "<event>/user_id/user_id" with its FIRST "user_id" replaced by the user id (JavaScript's
// String.replace), so "user_task_waiting/<userId>/user_id". Existing clients listen to this.
std::string per_user_event(std::string_view event, std::string_view user_id) {
  return std::string(event) + "/" + std::string(user_id) + "/user_id";
}

void add_string(std::string& json, std::string_view key, std::string_view value) {
  json += json.size() > 1 ? "," : "";
  json += json_quote(key) + ":" + json_quote(value);
}

void add_raw(std::string& json, std::string_view key, std::string_view raw_json) {
  json += json.size() > 1 ? "," : "";
  json += json_quote(key) + ":" + std::string(raw_json.empty() ? "null" : raw_json);
}

// {correlationId, processModelId, processInstanceId, flowNodeId, flowNodeInstanceId, currentToken}
std::string base_message(const EngineEvent& event, std::string_view flow_node_id,
                         std::string_view flow_node_instance_id, std::string_view current_token) {
  std::string json = "{";
  add_string(json, "correlationId", event.correlation_id);
  add_string(json, "processModelId", event.process_model_id);
  add_string(json, "processInstanceId", event.process_instance_id);
  if (!flow_node_id.empty()) add_string(json, "flowNodeId", flow_node_id);
  if (!flow_node_instance_id.empty()) add_string(json, "flowNodeInstanceId", flow_node_instance_id);
  add_raw(json, "currentToken", current_token);
  return json;
}

Notification make(const EngineEvent& event, std::string name, std::string message) {
  return Notification{.event = std::move(name),
                      .message = std::move(message) + "}",
                      .only_for_user_id = {},
                      .process_model_id = event.process_model_id,
                      .correlation_id = event.correlation_id,
                      .process_instance_id = event.process_instance_id};
}

// The global event and, when the instance has an owner, the owner's own copy.
void add_with_owner_copy(std::vector<Notification>& out, const EngineEvent& event, const std::string& name,
                         const std::string& message) {
  out.push_back(make(event, name, message));
  if (event.owner_user_id.empty()) return;
  Notification own = make(event, per_user_event(name, event.owner_user_id), message);
  own.only_for_user_id = event.owner_user_id;
  out.push_back(std::move(own));
}

// The message/signal publication's payload is {"eventName": ..., "payload": ...}.
std::pair<std::string, std::string> publication_parts(const JsonText& payload) {
  rapidjson::Document document;
  document.Parse(payload.data(), payload.size());
  if (document.HasParseError() || !document.IsObject()) return {"", "null"};
  std::string name = document.HasMember("eventName") && document["eventName"].IsString()
                         ? document["eventName"].GetString()
                         : "";
  std::string inner = document.HasMember("payload") ? json_to_string(document["payload"]) : "null";
  return {std::move(name), std::move(inner)};
}

}  // namespace

NotificationKind notification_kind(const EngineEvent& event) {
  const bool throw_event = event.flow_node_type == "bpmn:IntermediateThrowEvent";
  switch (event.kind) {
    case EngineEventKind::process_started:
      return NotificationKind::process_started;
    case EngineEventKind::user_task_waiting:
      return NotificationKind::user_task_waiting;
    case EngineEventKind::manual_task_waiting:
      return NotificationKind::manual_task_waiting;
    case EngineEventKind::empty_activity_waiting:
      return NotificationKind::empty_activity_waiting;
    case EngineEventKind::event_waiting:
      return event.flow_node_type == "bpmn:IntermediateCatchEvent" ? NotificationKind::intermediate_catch_event_reached
                                                                   : NotificationKind::none;
    case EngineEventKind::end_event_reached:
      return NotificationKind::end_event_reached;
    case EngineEventKind::process_finished:
      return NotificationKind::process_ended;
    case EngineEventKind::process_error:
      return NotificationKind::process_error;
    case EngineEventKind::process_terminated:
      return NotificationKind::process_terminated;
    case EngineEventKind::message_sent:
      return throw_event ? NotificationKind::intermediate_message_thrown : NotificationKind::none;
    case EngineEventKind::signal_sent:
      return throw_event ? NotificationKind::intermediate_signal_thrown : NotificationKind::none;
    case EngineEventKind::activity_reached:
      return NotificationKind::activity_reached;
    case EngineEventKind::activity_finished:
      return NotificationKind::activity_finished;
    case EngineEventKind::user_task_finished:
      return NotificationKind::user_task_finished;
    case EngineEventKind::manual_task_finished:
      return NotificationKind::manual_task_finished;
    case EngineEventKind::empty_activity_finished:
      return NotificationKind::empty_activity_finished;
    case EngineEventKind::boundary_event_triggered:
      return NotificationKind::boundary_event_triggered;
    case EngineEventKind::event_finished:
      return event.flow_node_type == "bpmn:IntermediateCatchEvent" ? NotificationKind::intermediate_catch_event_finished
                                                                   : NotificationKind::none;
    case EngineEventKind::cronjob_executed:
    case EngineEventKind::cronjob_updated:
    case EngineEventKind::cronjob_removed:
      return NotificationKind::none;  // the Consumer API has no cronjob notifications
  }
  return NotificationKind::none;
}

std::vector<Notification> NotificationTranslator::translate(const EngineEvent& event) {
  std::vector<Notification> out;
  const std::string& token = event.payload;
  switch (notification_kind(event)) {
    case NotificationKind::none:
      break;
    case NotificationKind::process_started: {
      const std::string message = base_message(event, event.flow_node_id, event.flow_node_instance_id, token);
      out.push_back(make(event, "process_started", message));
      out.push_back(make(event, "/process_instance_started/" + event.process_model_id, message));
      break;
    }
    case NotificationKind::user_task_waiting:
      add_with_owner_copy(out, event, "user_task_waiting",
                          base_message(event, event.flow_node_id, event.flow_node_instance_id, token));
      break;
    case NotificationKind::manual_task_waiting:
      add_with_owner_copy(out, event, "manual_task_waiting",
                          base_message(event, event.flow_node_id, event.flow_node_instance_id, token));
      break;
    case NotificationKind::empty_activity_waiting:
      add_with_owner_copy(out, event, "empty_activity_waiting",
                          base_message(event, event.flow_node_id, event.flow_node_instance_id, token));
      break;
    case NotificationKind::intermediate_catch_event_reached:
      out.push_back(make(event, "intermediate_catch_event_reached",
                         base_message(event, event.flow_node_id, event.flow_node_instance_id, token)));
      break;
    case NotificationKind::intermediate_catch_event_finished:
      out.push_back(make(event, "intermediate_catch_event_finished",
                         base_message(event, event.flow_node_id, event.flow_node_instance_id, token)));
      break;
    case NotificationKind::boundary_event_triggered:
      out.push_back(make(event, "boundary_event_triggered",
                         base_message(event, event.flow_node_id, event.flow_node_instance_id, token)));
      break;
    case NotificationKind::activity_reached:
    case NotificationKind::activity_finished: {
      // ActivityReachedMessage / ActivityFinishedMessage: the common fields and flowNodeType.
      std::string message = base_message(event, event.flow_node_id, event.flow_node_instance_id, token);
      add_string(message, "flowNodeType", event.flow_node_type);
      const bool reached = notification_kind(event) == NotificationKind::activity_reached;
      out.push_back(make(event, reached ? "activity_reached" : "activity_finished", message));
      break;
    }
    case NotificationKind::user_task_finished: {
      // UserTaskFinishedMessage: the task's result ({"form_fields": ...}) is also the token.
      std::string message = base_message(event, event.flow_node_id, event.flow_node_instance_id, token);
      add_raw(message, "userTaskResult", token);
      add_with_owner_copy(out, event, "user_task_finished", message);
      break;
    }
    case NotificationKind::manual_task_finished:
      add_with_owner_copy(out, event, "manual_task_finished",
                          base_message(event, event.flow_node_id, event.flow_node_instance_id, token));
      break;
    case NotificationKind::empty_activity_finished:
      add_with_owner_copy(out, event, "empty_activity_finished",
                          base_message(event, event.flow_node_id, event.flow_node_instance_id, token));
      break;
    case NotificationKind::end_event_reached: {
      std::lock_guard lock(mutex_);
      ends_[event.process_instance_id] = {event.flow_node_id, event.flow_node_instance_id};
      break;
    }
    case NotificationKind::process_ended: {
      EndReached end;
      {
        std::lock_guard lock(mutex_);
        const auto found = ends_.find(event.process_instance_id);
        if (found != ends_.end()) {
          end = std::move(found->second);
          ends_.erase(found);
        }
      }
      out.push_back(make(event, "process_ended", base_message(event, end.flow_node_id, end.flow_node_instance_id, token)));
      break;
    }
    case NotificationKind::process_error:
    case NotificationKind::process_terminated: {
      {
        std::lock_guard lock(mutex_);
        ends_.erase(event.process_instance_id);
      }
      std::string message = base_message(event, event.flow_node_id, event.flow_node_instance_id, "null");
      add_raw(message, "error", token);
      const bool error = notification_kind(event) == NotificationKind::process_error;
      out.push_back(make(event, error ? "process_error" : "process_terminated", message));
      break;
    }
    case NotificationKind::intermediate_message_thrown:
    case NotificationKind::intermediate_signal_thrown: {
      const bool message_thrown = notification_kind(event) == NotificationKind::intermediate_message_thrown;
      auto [name, payload] = publication_parts(token);
      std::string message = base_message(event, event.flow_node_id, event.flow_node_instance_id, payload);
      add_string(message, message_thrown ? "messageReference" : "signalReference", name);
      out.push_back(make(event, "intermediate_throw_event_triggered", message));
      break;
    }
  }
  return out;
}

}  // namespace processhost::plugins::notifications
