#include "sse_notifications.hpp"

#include <charconv>
#include <chrono>
#include <vector>

namespace processhost::plugins::consumer_api {
namespace {

std::optional<std::string> query(const HttpRequest& request, std::string_view name) {
  if (const auto value = request.query_param(name)) return std::string(*value);
  return std::nullopt;
}

std::optional<std::uint64_t> last_event_id(const HttpRequest& request) {
  auto value = request.header("last-event-id");
  if (!value) value = request.query_param("last_event_id");
  if (!value) return std::nullopt;
  std::uint64_t id = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), id);
  if (error != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return id;
}

}  // namespace

std::uint64_t SseNotifications::first_event_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) * 1000;
}

std::string sse_frame(std::uint64_t id, std::string_view event, std::string_view data) {
  std::string frame = "id: " + std::to_string(id) + "\nevent: " + std::string(event) + "\n";
  // A line break inside the data would end the field: each line gets its own "data:".
  std::size_t start = 0;
  while (true) {
    const auto end = data.find('\n', start);
    frame += "data: ";
    frame += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    frame += "\n";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  frame += "\n";
  return frame;
}

bool SseNotifications::Filter::matches(const Notification& notification) const {
  return (!process_model_id || *process_model_id == notification.process_model_id) &&
         (!correlation_id || *correlation_id == notification.correlation_id) &&
         (!process_instance_id || *process_instance_id == notification.process_instance_id);
}

bool SseNotifications::Subscriber::wants(const Notification& notification) const {
  return (notification.only_for_user_id.empty() || notification.only_for_user_id == user_id) &&
         filter.matches(notification);
}

void SseNotifications::subscribe(const Identity& identity, const HttpRequest& request,
                                 const std::shared_ptr<Responder>& responder) {
  Subscriber subscriber;
  subscriber.user_id = identity.user_id;
  subscriber.filter = {query(request, "process_model_id"), query(request, "correlation_id"),
                       query(request, "process_instance_id")};
  const auto resume_after = last_event_id(request);

  HttpResponse head;
  head.headers.emplace_back("Content-Type", "text/event-stream");
  head.headers.emplace_back("Cache-Control", "no-cache");
  // Proxies that buffer answers would hold the events back.
  head.headers.emplace_back("X-Accel-Buffering", "no");
  head.body = "retry: 3000\n\n";

  std::unique_lock lock(mutex_);
  if (closed_) {
    responder->respond(HttpResponse::error(ErrorStatus::unavailable, "the Consumer API is stopping"));
    return;
  }
  // Under the lock: no event is published between the replay and the live stream.
  subscriber.stream = responder->stream(std::move(head), kMaxQueuedBytes);
  if (!subscriber.stream) return;
  if (resume_after) {
    const std::uint64_t oldest = window_.empty() ? next_event_id_ : window_.front().first;
    if (*resume_after + 1 < oldest || *resume_after >= next_event_id_) {
      subscriber.stream->write(sse_frame(next_event_id_ - 1, "events_lost",
                                         "{\"lastEventId\":" + std::to_string(*resume_after) +
                                             ",\"oldestAvailableEventId\":" + std::to_string(oldest) + "}"));
    }
    for (const auto& [id, notification] : window_) {
      if (id > *resume_after && subscriber.wants(notification)) {
        subscriber.stream->write(sse_frame(id, notification.event, notification.message));
      }
    }
  }
  const auto subscriber_id = next_subscriber_id_++;
  subscribers_.emplace(subscriber_id, std::move(subscriber));
  lock.unlock();
  // The client left or the host stops: the stream goes. Outside the lock: a responder
  // cancelled already runs the callback at once.
  responder->on_cancel([weak = weak_from_this(), subscriber_id] {
    if (const auto self = weak.lock()) {
      std::lock_guard inner(self->mutex_);
      self->subscribers_.erase(subscriber_id);
    }
  });
}

void SseNotifications::publish(const Notification& notification) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  const auto id = next_event_id_++;
  std::vector<std::uint64_t> too_slow;
  for (const auto& [subscriber_id, subscriber] : subscribers_) {
    if (!subscriber.wants(notification)) continue;
    if (!subscriber.stream->write(sse_frame(id, notification.event, notification.message))) {
      too_slow.push_back(subscriber_id);
    }
  }
  for (const auto subscriber_id : too_slow) subscribers_.erase(subscriber_id);
  window_.emplace_back(id, notification);
  if (window_.size() > replay_window_) window_.pop_front();
}

void SseNotifications::heartbeat() {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> gone;
  for (const auto& [subscriber_id, subscriber] : subscribers_) {
    if (!subscriber.stream->write(":\n\n")) gone.push_back(subscriber_id);
  }
  for (const auto subscriber_id : gone) subscribers_.erase(subscriber_id);
}

void SseNotifications::close() {
  std::unordered_map<std::uint64_t, Subscriber> subscribers;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    subscribers.swap(subscribers_);
  }
  for (auto& [id, subscriber] : subscribers) subscriber.stream->end();
}

std::size_t SseNotifications::stream_count() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

}  // namespace processhost::plugins::consumer_api
