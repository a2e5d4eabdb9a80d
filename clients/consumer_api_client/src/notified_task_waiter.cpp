// await_user_task: subscribe, read the task list once, then wait for the event; polling when
// the host has no notification channel.
#include <condition_variable>
#include <mutex>

#include "processhost/client/task_waiter.hpp"

namespace processhost::client {
namespace {

using Clock = std::chrono::steady_clock;

// What the subscription's thread tells the waiting thread.
struct Inbox {
  std::mutex mutex;
  std::condition_variable changed;
  bool task_waiting = false;  // the awaited task's user_task_waiting arrived
  bool reread = false;        // events were lost or the stream reopened: the list may know more
};

ClientResult<std::optional<UserTask>> find_task(ConsumerApiClient& client, const Identity& identity,
                                                const std::string& process_model_id, const std::string& correlation_id,
                                                const std::string& flow_node_id) {
  auto tasks = client.user_tasks_for_process_model_in_correlation(identity, process_model_id, correlation_id);
  if (!tasks) return std::move(tasks).take_error();
  for (auto& task : tasks->user_tasks) {
    if (task.id == flow_node_id) return std::optional<UserTask>(std::move(task));
  }
  return std::optional<UserTask>();
}

ClientError timed_out(const std::string& flow_node_id, const std::string& correlation_id, const WaitOptions& options) {
  return make_client_error(ErrorKind::timeout, "user task " + flow_node_id + " waiting in correlation " +
                                                   correlation_id + " did not happen within " +
                                                   std::to_string(options.timeout.count()) + " ms");
}

ClientResult<AwaitedUserTask> poll(ConsumerApiClient& client, const Identity& identity,
                                   const std::string& process_model_id, const std::string& correlation_id,
                                   const std::string& flow_node_id, const WaitOptions& options, std::string reason) {
  auto task = wait_for_user_task(client, identity, process_model_id, correlation_id, flow_node_id, options);
  if (!task) return std::move(task).take_error();
  return AwaitedUserTask{std::move(task).value(), WaitMode::polling, false, std::move(reason)};
}

}  // namespace

std::string_view to_string(WaitMode mode) { return mode == WaitMode::notification ? "notification" : "polling"; }

ClientResult<AwaitedUserTask> await_user_task(ConsumerApiClient& client, NotificationSource* notifications,
                                              const Identity& identity, const std::string& process_model_id,
                                              const std::string& correlation_id, const std::string& flow_node_id,
                                              const WaitOptions& options) {
  if (notifications == nullptr) {
    return poll(client, identity, process_model_id, correlation_id, flow_node_id, options, "no notification source");
  }
  const auto deadline = Clock::now() + options.timeout;
  Inbox inbox;
  SubscriptionHandlers handlers;
  handlers.on_notification = [&](const Notification& notification) {
    if (notification.event_name != notification_event::kUserTaskWaiting || notification.flow_node_id != flow_node_id) {
      return;
    }
    std::lock_guard lock(inbox.mutex);
    inbox.task_waiting = true;
    inbox.changed.notify_all();
  };
  auto reread = [&] {
    std::lock_guard lock(inbox.mutex);
    inbox.reread = true;
    inbox.changed.notify_all();
  };
  handlers.on_events_lost = reread;
  handlers.on_reconnected = reread;
  // Declared after the inbox: the subscription (and its thread) ends before the inbox goes.
  auto subscription = notifications->subscribe(identity, {process_model_id, correlation_id, std::nullopt}, handlers);
  if (!subscription) {
    return poll(client, identity, process_model_id, correlation_id, flow_node_id, options,
                "the notification stream failed: " + subscription.error().describe());
  }
  for (bool after_event = false;; after_event = true) {
    auto found = find_task(client, identity, process_model_id, correlation_id, flow_node_id);
    if (!found) return std::move(found).take_error();
    if (found->has_value()) return AwaitedUserTask{std::move(**found), WaitMode::notification, after_event, {}};
    std::unique_lock lock(inbox.mutex);
    if (!inbox.changed.wait_until(lock, deadline, [&] { return inbox.task_waiting || inbox.reread; })) {
      return timed_out(flow_node_id, correlation_id, options);
    }
    // Read the list again: the event carries ids only, the task's form comes from the list.
    inbox.task_waiting = false;
    inbox.reread = false;
  }
}

}  // namespace processhost::client
