#pragma once
// The notifications of the Consumer API (spec section 2.6) and the Management API made from
// the engine's events: the socket.io event name, the message, and whom it is for. The message carries the ids and
// the token, never the owner's identity (the original's socket path leaked its token).

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::plugins::notifications {

struct Notification {
  std::string event;    // "user_task_waiting", "user_task_waiting/<userId>/user_id", "/process_instance_started/<id>"
  std::string message;  // JSON object
  // Per-user events go only to clients of this user; empty: to every client.
  std::string only_for_user_id;
  // What stream filters select on.
  std::string process_model_id;
  std::string correlation_id;
  std::string process_instance_id;
};

// What an engine event means to the Consumer API. The one place that reads EngineEvent's kind.
enum class NotificationKind {
  none,
  process_started,
  user_task_waiting,
  manual_task_waiting,
  empty_activity_waiting,
  intermediate_catch_event_reached,
  end_event_reached,
  process_ended,
  process_error,
  process_terminated,
  intermediate_message_thrown,
  intermediate_signal_thrown,
  activity_reached,
  activity_finished,
  user_task_finished,
  manual_task_finished,
  empty_activity_finished,
  boundary_event_triggered,
  intermediate_catch_event_finished,
};
NotificationKind notification_kind(const EngineEvent& event);

// Thread-safe. Keeps, per running instance, the end event it reached last, so that
// process_ended names it as the original does.
class NotificationTranslator {
 public:
  std::vector<Notification> translate(const EngineEvent& event);

 private:
  struct EndReached {
    std::string flow_node_id;
    std::string flow_node_instance_id;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, EndReached> ends_;  // by process instance id
};

}  // namespace processhost::plugins::notifications
