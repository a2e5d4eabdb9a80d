#pragma once
// The engine's event listeners (EngineService::add_listener). Runs collect events only while
// someone listens (has_listeners), so an engine without listeners pays nothing for them.
//
// Threading: every member is safe from any thread. Listeners are called on the publishing
// thread, outside the lock, so a listener may add or remove listeners.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::engine {

class EventBus {
 public:
  std::uint64_t add(EngineEventListener listener);
  void remove(std::uint64_t id);
  bool has_listeners() const { return has_listeners_.load(std::memory_order_relaxed); }
  // Each event to every listener, in order.
  void publish(const std::vector<EngineEvent>& events) const;
  void publish(const EngineEvent& event) const;

 private:
  std::vector<EngineEventListener> snapshot() const;

  mutable std::mutex mutex_;
  std::map<std::uint64_t, EngineEventListener> listeners_;
  std::uint64_t next_id_ = 1;
  std::atomic<bool> has_listeners_{false};
};

}  // namespace processhost::engine
