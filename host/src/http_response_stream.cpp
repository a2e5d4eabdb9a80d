#include "http_response_stream.hpp"

#include "http_session.hpp"

namespace processhost::host {

bool SessionStream::write(std::string bytes) {
  if (closed_.load() || ended_.load()) return false;
  const std::size_t size = bytes.size();
  const bool over = queued_bytes_.fetch_add(size) + size > max_queued_bytes_;
  if (over) closed_.store(true);
  // Holding the lock keeps the I/O context alive while the piece is posted to it.
  std::shared_ptr<HttpSession> session;
  std::lock_guard lock(shared_->mutex);
  if (!shared_->alive) return false;
  session = session_.lock();
  if (!session) return false;
  if (over) {
    shared_->logger.warn("http: a streamed answer's client reads too slowly (more than " +
                         std::to_string(max_queued_bytes_) + " bytes queued); closing its connection");
    session->abort_stream(slot_id_);
    return false;
  }
  session->stream_write(slot_id_, std::move(bytes));
  return true;
}

void SessionStream::end() {
  if (ended_.exchange(true)) return;
  std::shared_ptr<HttpSession> session;
  std::lock_guard lock(shared_->mutex);
  if (!shared_->alive) return;
  session = session_.lock();
  if (session) session->stream_end(slot_id_);
}

}  // namespace processhost::host
