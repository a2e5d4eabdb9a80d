#include "http_responder.hpp"

#include "http_response_stream.hpp"
#include "http_session.hpp"

namespace processhost::host {

void SessionResponder::respond(HttpResponse response) {
  if (answered_.exchange(true)) return;
  metrics_.answered(response.status);
  // Declared before the lock so that, if this is the last reference, the session is
  // destroyed after the lock is released: ~HttpSession takes the same mutex.
  std::shared_ptr<HttpSession> session;
  // Holding the lock keeps the I/O context alive while the completion is posted to it.
  std::lock_guard lock(shared_->mutex);
  if (!shared_->alive) return;
  session = session_.lock();
  if (session) session->deliver(slot_id_, std::move(response));
}

std::shared_ptr<ResponseStream> SessionResponder::stream(HttpResponse head, std::size_t max_queued_bytes) {
  if (answered_.exchange(true)) return nullptr;
  metrics_.answered(head.status);
  auto stream = std::make_shared<SessionStream>(session_, slot_id_, shared_, max_queued_bytes);
  std::shared_ptr<HttpSession> session;
  std::lock_guard lock(shared_->mutex);
  if (!shared_->alive) return nullptr;
  session = session_.lock();
  if (!session) return nullptr;
  session->deliver_stream(slot_id_, std::move(head), stream);
  return stream;
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
