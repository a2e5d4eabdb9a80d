// How soon an event reaches a subscription's handler in the client library: one
// SseNotificationSource subscription on the whole stream, then STARTS starts of
// sample_process one after another, each timed from sending the start request to the handler
// call of its process_started and of its user_task_waiting. The events are committed inside
// that interval (the start answers after the commit), so the figures bound commit-to-callback
// from above. Also: the start's round trip, and await_user_task (subscribe, read the list,
// wait) for a task that already waits.
//
//   sse_latency URL [STARTS]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/notifications.hpp"
#include "processhost/client/task_waiter.hpp"

namespace pc = processhost::client;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWarmup = 20;

struct Pending {
  Clock::time_point sent;
  std::optional<Clock::duration> started;
  std::optional<Clock::duration> waiting;
};

void print(const char* what, std::vector<double> ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
  std::printf("%-34s p50 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%zu)\n", what, at(0.5), at(0.99), ms.back(), ms.size());
}

double millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sse_latency URL [STARTS]\n");
    return 2;
  }
  auto url = pc::BaseUrl::parse(argv[1]);
  if (!url) {
    std::fprintf(stderr, "%s\n", url.error().describe().c_str());
    return 2;
  }
  const int starts = argc > 2 ? std::stoi(argv[2]) : 500;
  pc::BeastHttpTransport transport(*url);
  pc::ConsumerApiClient api(transport);

  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, Pending> pending;
  pc::SubscriptionHandlers handlers;
  handlers.on_notification = [&](const pc::Notification& n) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex);
    auto found = pending.find(n.correlation_id);
    if (found == pending.end()) return;
    if (n.event_name == pc::notification_event::kProcessStarted) found->second.started = now - found->second.sent;
    if (n.event_name == pc::notification_event::kUserTaskWaiting) found->second.waiting = now - found->second.sent;
    changed.notify_all();
  };
  pc::SseNotificationSource source(*url);
  auto subscription = source.subscribe({}, {}, handlers);
  if (!subscription) {
    std::fprintf(stderr, "subscribe: %s\n", subscription.error().describe().c_str());
    return 1;
  }

  std::vector<double> to_started, to_waiting, round_trip, awaits;
  for (int i = 0; i < kWarmup + starts; ++i) {
    const std::string correlation_id = "sse-latency-" + std::to_string(i);
    pc::ProcessStartRequest request;
    request.correlation_id = correlation_id;
    request.input_values = "{}";
    {
      std::lock_guard lock(mutex);
      pending[correlation_id].sent = Clock::now();
    }
    const auto sent = Clock::now();
    auto started = api.start_process_instance({}, "sample_process", request);
    const auto answered = Clock::now();
    if (!started) {
      std::fprintf(stderr, "start: %s\n", started.error().describe().c_str());
      return 1;
    }
    std::unique_lock lock(mutex);
    auto& entry = pending[correlation_id];
    if (!changed.wait_for(lock, std::chrono::seconds(5), [&] { return entry.started && entry.waiting; })) {
      std::fprintf(stderr, "the events of %s did not arrive within 5 s\n", correlation_id.c_str());
      return 1;
    }
    if (i >= kWarmup) {
      to_started.push_back(millis(*entry.started));
      to_waiting.push_back(millis(*entry.waiting));
      round_trip.push_back(millis(answered - sent));
    }
    pending.erase(correlation_id);
    lock.unlock();
    // A second client's way to the same task: its own subscription, one list read.
    if (i >= kWarmup && i % 10 == 0) {
      const auto begin = Clock::now();
      auto awaited = pc::await_user_task(api, &source, {}, "sample_process", correlation_id, "UserTask_1");
      if (!awaited || awaited->mode != pc::WaitMode::notification) {
        std::fprintf(stderr, "await_user_task failed\n");
        return 1;
      }
      awaits.push_back(millis(Clock::now() - begin));
    }
  }
  print("start sent -> process_started", to_started);
  print("start sent -> user_task_waiting", to_waiting);
  print("start round trip", round_trip);
  print("await_user_task (already waiting)", awaits);
  return 0;
}
