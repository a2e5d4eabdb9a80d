#pragma once
// The Consumer API's notifications as Server-Sent Events: GET /api/consumer/v1/notifications
// streams the same events as the socket.io namespace (per-user events only to their user),
// filtered by the query's process_model_id, correlation_id and process_instance_id. Every
// event has an id; a client that reconnects with Last-Event-ID gets what it missed from the
// last `replay_window` events, or an `events_lost` event when that is not enough.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "notification_events.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::consumer_api {

class SseNotifications : public std::enable_shared_from_this<SseNotifications> {
 public:
  static constexpr std::size_t kDefaultReplayWindow = 1024;
  // What may wait to be written to one stream before its client counts as too slow.
  static constexpr std::size_t kMaxQueuedBytes = 1024 * 1024;

  explicit SseNotifications(std::size_t replay_window = kDefaultReplayWindow) : replay_window_(replay_window) {}

  // Answers request with an event stream for identity. Never blocks. Only on an object
  // owned by a shared_ptr.
  void subscribe(const Identity& identity, const HttpRequest& request, const std::shared_ptr<Responder>& responder);
  // Numbers the notification, keeps it for replay and writes it to every stream it is for.
  void publish(const Notification& notification);
  // A comment line to every stream: keeps proxies from closing idle streams and finds
  // clients that left without a word.
  void heartbeat();
  // Ends every stream; later subscriptions are answered 503.
  void close();
  std::size_t stream_count() const;

 private:
  struct Filter {
    std::optional<std::string> process_model_id;
    std::optional<std::string> correlation_id;
    std::optional<std::string> process_instance_id;
    bool matches(const Notification& notification) const;
  };
  struct Subscriber {
    std::shared_ptr<ResponseStream> stream;
    std::string user_id;
    Filter filter;
    bool wants(const Notification& notification) const;
  };

  const std::size_t replay_window_;
  mutable std::mutex mutex_;
  // Ids begin at the start time in microseconds' worth of room (ms * 1000), so a host that
  // restarts numbers on above every id it gave before (it would take more than 1,000 events
  // per millisecond over its whole life to catch up with the next start): a client resuming
  // with an id of the host's previous life is told that it lost events instead of being
  // answered with unrelated events of the same numbers. Below 2^53: exact in JavaScript.
  std::uint64_t next_event_id_ = first_event_id();
  static std::uint64_t first_event_id();
  std::deque<std::pair<std::uint64_t, Notification>> window_;  // the last replay_window_ events
  std::uint64_t next_subscriber_id_ = 1;
  std::unordered_map<std::uint64_t, Subscriber> subscribers_;
  bool closed_ = false;
};

// One event in the text/event-stream format: id, event name and the message as data lines.
std::string sse_frame(std::uint64_t id, std::string_view event, std::string_view data);

}  // namespace processhost::plugins::consumer_api
