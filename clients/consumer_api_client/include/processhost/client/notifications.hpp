#pragma once
// Subscriptions to the Consumer API's notifications (docs/api.md, "Notifications"): what
// the engine committed, pushed by the host over Server-Sent Events
// (GET /api/consumer/v1/notifications), as typed Notification values.
//
//   SseNotificationSource source(transport.base_url());
//   auto subscription = source.subscribe(identity, {.correlation_id = "c-1"},
//                                        {.on_notification = [](const Notification& n) { ... }});
//   if (!subscription) { /* subscription.error(): 404 = the host serves no notifications */ }
//   ...
//   (*subscription)->cancel();   // or let the handle go: its destructor cancels
//
// Thread model: each subscription reads its stream on a thread of its own and calls the
// handlers there, one call at a time, in the order the host sent the events. Handlers
// must not block for long (the host drops a stream whose client reads too slowly) and must
// not cancel or destroy their own subscription. cancel() and the destructor are
// thread-safe; once they return no handler runs any more.
//
// A stream that drops (host restart, network) is reopened with backoff, sending the last
// event id seen as Last-Event-ID: the host replays what the client missed, or says through
// on_events_lost that it cannot (restarted, or too much happened): re-read state then.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client {

inline constexpr std::string_view kNotificationsPath = "/api/consumer/v1/notifications";

// Event names of the host (docs/api.md, "Events and messages"), for comparisons.
namespace notification_event {
inline constexpr std::string_view kProcessStarted = "process_started";
inline constexpr std::string_view kUserTaskWaiting = "user_task_waiting";
inline constexpr std::string_view kUserTaskFinished = "user_task_finished";
inline constexpr std::string_view kProcessEnded = "process_ended";
inline constexpr std::string_view kProcessError = "process_error";
inline constexpr std::string_view kProcessTerminated = "process_terminated";
}  // namespace notification_event

// One event as the host sent it. Ids the event has no value for are empty / nullopt.
struct Notification {
  std::string event_id;    // the stream's id (increasing; a restarted host numbers above its earlier ids)
  std::string event_name;  // "user_task_waiting", "process_ended", ...
  std::string process_model_id;
  std::string process_instance_id;
  std::string correlation_id;
  std::optional<std::string> flow_node_id;
  std::optional<std::string> flow_node_instance_id;
  std::optional<std::string> flow_node_type;  // activity_reached/_finished only
  JsonText current_token = "null";
  JsonText message;  // the whole message, for fields beyond the common ones

  // process_ended, process_error or process_terminated.
  bool ends_instance() const;
};

// Reads one event of the stream into a Notification. Errors (ErrorKind::protocol): data that
// is not a JSON object, or a common field of the wrong type.
ClientResult<Notification> read_notification(std::string event_id, std::string event_name, std::string_view data);

// Which events a subscription receives; every field optional (empty: all the identity may see).
struct NotificationFilter {
  std::optional<std::string> process_model_id{};
  std::optional<std::string> correlation_id{};
  std::optional<std::string> process_instance_id{};

  // "?process_model_id=...&correlation_id=..." (encoded), or "" for no filter.
  std::string query() const;
};

struct SubscriptionHandlers {
  std::function<void(const Notification&)> on_notification{};
  // The host could not replay what happened while the stream was away: re-read state.
  std::function<void()> on_events_lost{};
  // The stream dropped (error says why); the subscription reopens it by itself.
  std::function<void(const ClientError&)> on_disconnected{};
  // The stream is open again after a drop: events published from now on arrive.
  std::function<void()> on_reconnected{};
};

struct SubscribeOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds idle_timeout{45000};     // the host writes a comment every 15 s
  std::chrono::milliseconds first_retry_delay{100};  // doubled after each failed reopen ...
  std::chrono::milliseconds max_retry_delay{3000};   // ... up to this
};

// A running subscription. Destroying it cancels it.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Stops the stream and waits for its thread: no handler runs after this returns.
  // Idempotent; thread-safe; not from a handler of this subscription.
  virtual void cancel() = 0;
  // The id of the last event received ("" before the first).
  virtual std::string last_event_id() const = 0;
};

// Where subscriptions come from: the host's SSE stream, or a fake in unit tests.
class NotificationSource {
 public:
  virtual ~NotificationSource() = default;
  // Returns once the host accepted the stream: every event it commits after this returns
  // reaches the handlers (subscribe first, then read the current state, and nothing is
  // missed in between). Errors: the first attempt's failure, not retried — ErrorKind::http
  // with the status when the host refused (404: it serves no notifications; 401: identity),
  // transport/timeout when it could not be reached.
  virtual ClientResult<std::unique_ptr<Subscription>> subscribe(const Identity& identity,
                                                                const NotificationFilter& filter,
                                                                SubscriptionHandlers handlers) = 0;
};

// Subscriptions over GET /api/consumer/v1/notifications of the host at base_url, one
// connection (and thread) each. Thread-safe; the subscriptions it made may outlive it.
class SseNotificationSource final : public NotificationSource {
 public:
  explicit SseNotificationSource(BaseUrl base_url, SubscribeOptions options = {});
  ClientResult<std::unique_ptr<Subscription>> subscribe(const Identity& identity, const NotificationFilter& filter,
                                                        SubscriptionHandlers handlers) override;

 private:
  BaseUrl base_url_;
  SubscribeOptions options_;
};

}  // namespace processhost::client
