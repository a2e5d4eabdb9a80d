// A subscription over the host's event stream: one thread that opens the stream, hands its
// events to the handlers, and reopens it with backoff and Last-Event-ID after a drop.
#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "processhost/client/event_stream.hpp"
#include "processhost/client/json_mapping.hpp"
#include "processhost/client/notifications.hpp"

namespace processhost::client {
namespace {

// The host's answer to a Last-Event-ID it can no longer replay from.
constexpr std::string_view kEventsLost = "events_lost";

ClientError error_of(const StreamOutcome& outcome, const BaseUrl& base) {
  if (outcome.status != 0) {
    // The host's JSON error body gives message and additionalInformation.
    ClientError error = json::read_http_error(outcome.status, "", outcome.error);
    error.message = "the notification stream of " + base.to_string() + " was refused: " + error.message;
    return error;
  }
  const bool timed_out = outcome.error.find("timed out") != std::string::npos;
  return make_client_error(timed_out ? ErrorKind::timeout : ErrorKind::transport,
                           "notification stream of " + base.to_string() + ": " + outcome.error);
}

class SseSubscription final : public Subscription {
 public:
  SseSubscription(BaseUrl base, EventStreamRequest request, SubscriptionHandlers handlers, SubscribeOptions options)
      : base_(std::move(base)), request_(std::move(request)), handlers_(std::move(handlers)), options_(options) {}

  ~SseSubscription() override { cancel(); }

  // Starts the thread and waits for the first attempt's outcome.
  ClientStatus start() {
    std::promise<ClientStatus> first_open;
    auto opened = first_open.get_future();
    thread_ = std::thread([this, promise = std::move(first_open)]() mutable { run(promise); });
    ClientStatus status = opened.get();
    if (!status) cancel();
    return status;
  }

  void cancel() override {
    std::shared_ptr<EventStream> stream;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      stream = current_;
    }
    wake_.notify_all();
    if (stream) stream->stop();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

  std::string last_event_id() const override {
    std::lock_guard lock(mutex_);
    return last_event_id_;
  }

 private:
  void run(std::promise<ClientStatus>& first_open) {
    bool ever_opened = false;
    auto delay = options_.first_retry_delay;
    for (;;) {
      EventStreamRequest request = request_;
      request.last_event_id = last_event_id();
      auto stream = std::make_shared<EventStream>(base_, std::move(request));
      {
        std::lock_guard lock(mutex_);
        if (cancelled_) break;
        current_ = stream;
      }
      const auto outcome = stream->follow(
          [&] {
            delay = options_.first_retry_delay;
            if (!ever_opened) {
              ever_opened = true;
              first_open.set_value(Done{});
            } else if (handlers_.on_reconnected) {
              handlers_.on_reconnected();
            }
          },
          [&](const StreamEvent& event) {
            deliver(event);
            return true;
          });
      {
        std::lock_guard lock(mutex_);
        current_.reset();
      }
      if (outcome.stopped) break;
      if (!ever_opened) {
        first_open.set_value(error_of(outcome, base_));
        return;
      }
      if (handlers_.on_disconnected) handlers_.on_disconnected(error_of(outcome, base_));
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, delay, [&] { return cancelled_; })) break;
      delay = std::min(delay * 2, options_.max_retry_delay);
    }
    if (!ever_opened) first_open.set_value(make_client_error(ErrorKind::transport, "the subscription was cancelled"));
  }

  void deliver(const StreamEvent& event) {
    if (!event.id.empty()) {
      std::lock_guard lock(mutex_);
      last_event_id_ = event.id;
    }
    if (event.event == kEventsLost) {
      if (handlers_.on_events_lost) handlers_.on_events_lost();
      return;
    }
    // A message that is not a JSON object is the host's fault, not the subscriber's: it is
    // left out rather than ending the subscription.
    auto notification = read_notification(event.id, event.event, event.data);
    if (notification && handlers_.on_notification) handlers_.on_notification(*notification);
  }

  const BaseUrl base_;
  const EventStreamRequest request_;
  const SubscriptionHandlers handlers_;
  const SubscribeOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  std::shared_ptr<EventStream> current_;
  std::string last_event_id_;
  std::thread thread_;
};

}  // namespace

SseNotificationSource::SseNotificationSource(BaseUrl base_url, SubscribeOptions options)
    : base_url_(std::move(base_url)), options_(options) {}

ClientResult<std::unique_ptr<Subscription>> SseNotificationSource::subscribe(const Identity& identity,
                                                                             const NotificationFilter& filter,
                                                                             SubscriptionHandlers handlers) {
  EventStreamRequest request;
  request.target = std::string(kNotificationsPath) + filter.query();
  if (!identity.anonymous()) request.authorization = "Bearer " + identity.token;
  request.connect_timeout = options_.connect_timeout;
  request.idle_timeout = options_.idle_timeout;
  auto subscription = std::make_unique<SseSubscription>(base_url_, std::move(request), std::move(handlers), options_);
  if (auto started = subscription->start(); !started) return std::move(started).take_error();
  return std::unique_ptr<Subscription>(std::move(subscription));
}

}  // namespace processhost::client
