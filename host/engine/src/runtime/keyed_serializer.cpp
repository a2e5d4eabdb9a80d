#include "runtime/keyed_serializer.hpp"

namespace processhost::engine {

void KeyedSerializer::run(const std::string& key, Job job) {
  const std::string* stored = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto [entry, inserted] = queues_.try_emplace(key);
    if (!inserted) {
      entry->second.push_back(std::move(job));
      return;
    }
    stored = &entry->first;
  }
  launch(stored, std::move(job));
}

void KeyedSerializer::launch(const std::string* key, Job job) {
  // The entry of key is erased only by the last release, so the pointer outlives every use.
  post_([this, key, job = std::move(job)]() mutable {
    job([this, key] {
      Job next;
      {
        std::lock_guard lock(mutex_);
        auto entry = queues_.find(*key);
        if (entry->second.empty()) {
          queues_.erase(entry);
          return;
        }
        next = std::move(entry->second.front());
        entry->second.pop_front();
      }
      launch(key, std::move(next));
    });
  });
}

}  // namespace processhost::engine
