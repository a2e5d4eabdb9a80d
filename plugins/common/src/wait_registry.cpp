#include "plugin_common/http_api/wait_registry.hpp"

#include <utility>
#include <vector>

namespace processhost::plugins::http_api {

std::optional<std::uint64_t> WaitRegistry::add(std::shared_ptr<Responder> responder) {
  std::lock_guard lock(mutex_);
  if (closed_) return std::nullopt;
  const std::uint64_t id = next_id_++;
  entries_.emplace(id, Entry{std::move(responder), nullptr});
  return id;
}

void WaitRegistry::attach(std::uint64_t id, CancelHandle handle) {
  if (!handle) return;
  {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(id);
    if (found != entries_.end()) {
      found->second.handle = std::move(handle);
      return;
    }
  }
  handle->cancel();
}

bool WaitRegistry::finish(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  return entries_.erase(id) > 0;
}

void WaitRegistry::cancel(std::uint64_t id) {
  CancelHandle handle;
  {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(id);
    if (found == entries_.end()) return;
    handle = std::move(found->second.handle);
    entries_.erase(found);
  }
  // Outside the lock: the engine may call back into finish() from cancel().
  if (handle) handle->cancel();
}

void WaitRegistry::close() {
  std::unordered_map<std::uint64_t, Entry> entries;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    entries.swap(entries_);
  }
  for (auto& [id, entry] : entries) {
    if (entry.handle) entry.handle->cancel();
    entry.responder->respond(
        HttpResponse::error(ErrorStatus::unavailable, "The " + api_name_ + " is shutting down; retry against a running host."));
  }
}

std::size_t WaitRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace processhost::plugins::http_api
