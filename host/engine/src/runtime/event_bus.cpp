#include "runtime/event_bus.hpp"

namespace processhost::engine {

std::uint64_t EventBus::add(EngineEventListener listener) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  has_listeners_ = true;
  return id;
}

void EventBus::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  listeners_.erase(id);
  has_listeners_ = !listeners_.empty();
}

std::vector<EngineEventListener> EventBus::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<EngineEventListener> listeners;
  for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
  return listeners;
}

void EventBus::publish(const std::vector<EngineEvent>& events) const {
  if (events.empty()) return;
  const auto listeners = snapshot();
  for (const auto& event : events) {
    for (const auto& listener : listeners) listener(event);
  }
}

void EventBus::publish(const EngineEvent& event) const {
  for (const auto& listener : snapshot()) listener(event);
}

}  // namespace processhost::engine
