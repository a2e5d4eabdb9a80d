#pragma once
// Long-polling fetch_and_lock calls waiting for an external task of their topic. A poller
// holds no thread: it is polled again when a commit creates a task of its topic, and
// completed empty at its deadline (scheduled by the engine).
//
// Threading: every member is safe from any thread; poll runs outside the lock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::engine {

class ExternalTaskPollers;

struct ExternalTaskPoller final : Cancellation {
  FetchAndLockRequest request;
  std::int64_t deadline_ms = 0;
  Callback<std::vector<ExternalTask>> done;
  std::atomic<bool> finished{false};
  ExternalTaskPollers* pollers = nullptr;  // set while it waits
  std::weak_ptr<ExternalTaskPoller> self;

  // Runs done once and stops waiting; later calls (or after cancel) do nothing.
  void complete(Result<std::vector<ExternalTask>> result);
  void cancel() override;
};

class ExternalTaskPollers {
 public:
  // One attempt to lock tasks for a poller (the engine's, against the store).
  using Poll = std::function<void(std::shared_ptr<ExternalTaskPoller>)>;
  explicit ExternalTaskPollers(Poll poll) : poll_(std::move(poll)) {}

  void add(std::shared_ptr<ExternalTaskPoller> poller);
  void remove(const std::shared_ptr<ExternalTaskPoller>& poller);
  // A commit created a task of topic: every poller of the topic tries again.
  void wake(const std::string& topic);
  // Every poller tries again (tasks of unknown topics may have been created).
  void wake_all();

 private:
  const Poll poll_;
  std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<ExternalTaskPoller>> pollers_;
};

}  // namespace processhost::engine
