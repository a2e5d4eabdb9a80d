#pragma once
// Callers of start() with callback type 2 or 3, waiting for their instance to end (or to
// reach one end event). They hold no thread: a waiter is completed by the commit that
// reaches what it waits for, or when the engine stops.
//
// Threading: every member is safe from any thread; waiters are completed outside the lock.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/executor.hpp"

namespace processhost::engine {

struct StartWaiter final : Cancellation {
  StartCallbackType type = StartCallbackType::on_process_finished;
  std::string end_event_id;
  std::string correlation_id;
  std::string process_instance_id;
  Callback<StartResult> done;
  std::atomic<bool> finished{false};

  void cancel() override { finished.store(true); }
  // Runs done once; later calls (or after cancel) do nothing.
  void complete(Result<StartResult> result);
};

class StartWaiters {
 public:
  void add(std::shared_ptr<StartWaiter> waiter);
  void remove(const std::shared_ptr<StartWaiter>& waiter);
  // A committed run of instance_id: completes the waiters whose end it reached.
  void notify(const std::string& instance_id, const RunOutcome& outcome);
  // The instance as the store holds it, with its correlation's results: completes the waiters
  // whose end it reached, which another host committed (docs/cluster.md, "Waiting requests").
  void settle(const ProcessInstanceRecord& instance, const std::vector<CorrelationResultRecord>& results);
  // The instances waited for now (each once).
  std::vector<std::string> instance_ids();
  bool waits_for(const std::string& instance_id);
  // Completes every waiter with error (the engine stops).
  void fail_all(const Error& error);

 private:
  std::mutex mutex_;
  std::unordered_multimap<std::string, std::shared_ptr<StartWaiter>> waiters_;
};

}  // namespace processhost::engine
