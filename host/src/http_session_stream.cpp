// HttpSession's streamed answers (ResponseStream): the head with chunked transfer encoding,
// then each piece as one chunk, then the last chunk. A stream is one request's answer and
// keeps its place in the request order.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/write.hpp>

#include "http_session.hpp"

namespace processhost::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpSession::Slot* HttpSession::find_slot(std::uint64_t slot_id) {
  for (auto& slot : slots_) {
    if (slot.id == slot_id) return &slot;
  }
  return nullptr;
}

void HttpSession::deliver_stream(std::uint64_t slot_id, HttpResponse head, std::shared_ptr<SessionStream> stream) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), slot_id, head = std::move(head),
                                      stream = std::move(stream)]() mutable {
    Slot* slot = self->find_slot(slot_id);
    if (slot == nullptr || slot->response) {
      stream->closed();
      return;
    }
    slot->response = std::move(head);
    slot->stream = std::move(stream);
    // The session may be draining already: the stream then ends at once.
    if (self->draining_) slot->stream_ended = true;
    self->do_write();
  });
}

void HttpSession::stream_write(std::uint64_t slot_id, std::string bytes) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), slot_id, bytes = std::move(bytes)]() mutable {
    Slot* slot = self->find_slot(slot_id);
    if (slot == nullptr || slot->stream_ended) return;
    slot->pieces.push_back(std::move(bytes));
    self->do_write();
  });
}

void HttpSession::stream_end(std::uint64_t slot_id) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), slot_id] {
    Slot* slot = self->find_slot(slot_id);
    if (slot == nullptr) return;
    slot->stream_ended = true;
    self->do_write();
  });
}

void HttpSession::abort_stream(std::uint64_t slot_id) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), slot_id] {
    if (self->find_slot(slot_id) != nullptr) self->close();
  });
}

void HttpSession::arm_write_deadline() {
  const auto generation = ++write_deadline_generation_;
  write_timer_.expires_after(shared_->config.write_timeout);
  write_timer_.async_wait([self = shared_from_this(), generation](beast::error_code error) {
    if (!error && generation == self->write_deadline_generation_ && self->writing_) self->close();
  });
}

void HttpSession::write_stream(Slot& slot, bool close_after) {
  auto self = shared_from_this();
  if (!slot.head_sent) {
    HttpResponse& head = *slot.response;
    stream_head_.emplace(static_cast<http::status>(head.status), slot.version);
    stream_head_->set(http::field::server, shared_->server_name);
    for (auto& [name, value] : head.headers) stream_head_->insert(name, value);
    stream_head_->chunked(true);
    stream_head_->keep_alive(slot.keep_alive);
    if (!head.body.empty()) {
      slot.stream->queued(head.body.size());
      slot.pieces.push_front(std::move(head.body));
    }
    stream_serializer_.emplace(*stream_head_);
    slot.head_sent = true;
    writing_ = true;
    arm_write_deadline();
    // Writes the status line and header fields; the pieces follow as chunks.
    http::async_write_header(socket_, *stream_serializer_, [self, close_after](beast::error_code error, std::size_t) {
      self->on_stream_write(error, 0, false, close_after);
    });
    return;
  }
  if (!slot.pieces.empty()) {
    piece_ = std::move(slot.pieces.front());
    slot.pieces.pop_front();
    const std::size_t size = piece_.size();
    writing_ = true;
    arm_write_deadline();
    // Writes one piece as one chunk.
    asio::async_write(socket_, http::make_chunk(asio::buffer(piece_)),
                      [self, size, close_after](beast::error_code error, std::size_t) {
                        self->on_stream_write(error, size, false, close_after);
                      });
    return;
  }
  if (slot.stream_ended) {
    writing_ = true;
    arm_write_deadline();
    // Ends the body; the next answer (or the close) follows.
    asio::async_write(socket_, http::make_chunk_last(), [self, close_after](beast::error_code error, std::size_t) {
      self->on_stream_write(error, 0, true, close_after);
    });
  }
  // Otherwise the stream waits for its next piece.
}

void HttpSession::on_stream_write(beast::error_code error, std::size_t piece_bytes, bool finished, bool close_after) {
  writing_ = false;
  ++write_deadline_generation_;
  write_timer_.cancel();
  if (closed_) return;
  if (error) {
    close();
    return;
  }
  Slot& slot = slots_.front();
  if (piece_bytes > 0) slot.stream->written(piece_bytes);
  piece_.clear();
  if (!finished) {
    do_write();
    return;
  }
  stream_serializer_.reset();
  stream_head_.reset();
  const bool keep_alive = slot.keep_alive;
  slot.stream->closed();
  slots_.pop_front();
  if (!keep_alive || close_after || (slots_.empty() && (draining_ || read_closed_))) {
    close_after_sending();
    return;
  }
  do_write();
  do_read();
  if (slots_.empty() && reading_) arm_read_deadline();
}

}  // namespace processhost::host
