#include "processhost/client/task_waiter.hpp"

#include <algorithm>
#include <optional>
#include <thread>

namespace processhost::client {

namespace {

// Calls poll until it yields a value, fails, or the deadline passes; the delay between
// polls doubles up to max_delay, so a quick host is seen quickly and a slow one is not flooded.
template <class T, class Poll>
ClientResult<T> poll_until(const WaitOptions& options, const std::string& what, Poll poll) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options.timeout;
  auto delay = options.first_delay;
  for (;;) {
    ClientResult<std::optional<T>> step = poll();
    if (!step) return std::move(step).take_error();
    if (step->has_value()) return std::move(**step);
    const auto now = Clock::now();
    if (now >= deadline) {
      return make_client_error(ErrorKind::timeout, what + " did not happen within " +
                                                       std::to_string(options.timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
    delay = std::min(delay * 2, options.max_delay);
  }
}

}  // namespace

ClientResult<UserTask> wait_for_user_task(ConsumerApiClient& client, const Identity& identity,
                                          const std::string& process_model_id, const std::string& correlation_id,
                                          const std::string& flow_node_id, const WaitOptions& options) {
  return poll_until<UserTask>(options, "user task " + flow_node_id + " waiting in correlation " + correlation_id,
                              [&]() -> ClientResult<std::optional<UserTask>> {
                                auto tasks = client.user_tasks_for_process_model_in_correlation(
                                    identity, process_model_id, correlation_id);
                                if (!tasks) return std::move(tasks).take_error();
                                for (auto& task : tasks->user_tasks) {
                                  if (task.id == flow_node_id) return std::optional<UserTask>(std::move(task));
                                }
                                return std::optional<UserTask>();
                              });
}

ClientResult<CorrelationResultList> wait_for_correlation_results(ConsumerApiClient& client, const Identity& identity,
                                                                 const std::string& correlation_id,
                                                                 const std::string& process_model_id,
                                                                 const WaitOptions& options) {
  return poll_until<CorrelationResultList>(
      options, "a result of " + process_model_id + " in correlation " + correlation_id,
      [&]() -> ClientResult<std::optional<CorrelationResultList>> {
        auto results = client.correlation_results(identity, correlation_id, process_model_id);
        if (!results) return std::move(results).take_error();
        if (results->correlation_results.empty()) return std::optional<CorrelationResultList>();
        return std::optional<CorrelationResultList>(std::move(results).value());
      });
}

}  // namespace processhost::client
