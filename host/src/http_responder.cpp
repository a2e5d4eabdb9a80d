#include "http_responder.hpp"

#include "http_session.hpp"

namespace processhost::host {

void SessionResponder::respond(HttpResponse response) {
  if (answered_.exchange(true)) return;
  // Holding the lock keeps the I/O context alive while the completion is posted to it.
  std::lock_guard lock(shared_->mutex);
  if (!shared_->alive) return;
  if (auto session = session_.lock()) session->deliver(slot_id_, std::move(response));
}

void SessionResponder::on_cancel(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_.load()) {
      callbacks_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void SessionResponder::cancel() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_.exchange(true)) return;
    callbacks.swap(callbacks_);
  }
  for (auto& callback : callbacks) {
    try {
      callback();
    } catch (...) {
      // A cancel callback must not throw; the request is cancelled either way.
    }
  }
}

}  // namespace processhost::host
