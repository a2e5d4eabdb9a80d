#include "runtime/external_task_pollers.hpp"

namespace processhost::engine {

void ExternalTaskPoller::complete(Result<std::vector<ExternalTask>> result) {
  if (finished.exchange(true)) return;
  if (auto me = self.lock(); me && pollers) pollers->remove(me);
  done(std::move(result));
}

void ExternalTaskPoller::cancel() {
  if (finished.exchange(true)) return;
  if (auto me = self.lock(); me && pollers) pollers->remove(me);
}

void ExternalTaskPollers::add(std::shared_ptr<ExternalTaskPoller> poller) {
  std::lock_guard lock(mutex_);
  pollers_.emplace(poller->request.topic, std::move(poller));
}

void ExternalTaskPollers::remove(const std::shared_ptr<ExternalTaskPoller>& poller) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = pollers_.equal_range(poller->request.topic);
  for (auto it = begin; it != end; ++it) {
    if (it->second == poller) {
      pollers_.erase(it);
      return;
    }
  }
}

void ExternalTaskPollers::wake(const std::string& topic) {
  std::vector<std::shared_ptr<ExternalTaskPoller>> waiting;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = pollers_.equal_range(topic);
    for (auto it = begin; it != end; ++it) waiting.push_back(it->second);
  }
  for (auto& poller : waiting) poll_(poller);
}

void ExternalTaskPollers::wake_all() {
  std::vector<std::shared_ptr<ExternalTaskPoller>> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& [topic, poller] : pollers_) waiting.push_back(poller);
  }
  for (auto& poller : waiting) poll_(poller);
}

}  // namespace processhost::engine
