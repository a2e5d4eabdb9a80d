#include "websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

namespace processhost::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr std::chrono::seconds kCloseTimeout{1};
}  // namespace

WebSocketSession::WebSocketSession(asio::ip::tcp::socket socket, std::shared_ptr<HttpShared> shared,
                                   std::size_t max_queued_bytes, std::size_t max_message_bytes)
    : ws_(std::move(socket)), shared_(std::move(shared)), max_queued_bytes_(max_queued_bytes) {
  ws_.read_message_max(max_message_bytes);
  std::lock_guard lock(shared_->mutex);
  ++shared_->sessions;
}

WebSocketSession::~WebSocketSession() {
  std::lock_guard lock(shared_->mutex);
  --shared_->sessions;
  shared_->sessions_changed.notify_all();
}

void WebSocketSession::accept(Request request, beast::flat_buffer leftover,
                              std::function<void(std::shared_ptr<WebSocketChannel>)> opened) {
  // Bytes the HTTP parser read past the request belong to the WebSocket stream.
  buffer_ = std::move(leftover);
  // The server side pings idle peers and gives up on one that does not answer. The handshake
  // timeout bounds writing the 101 answer and the closing handshake: a peer that does not
  // answer our close frame within a second must not hold the host's shutdown.
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = kCloseTimeout;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([name = shared_->server_name](websocket::response_type& response) {
    response.set(beast::http::field::server, name);
  }));
  beast::get_lowest_layer(ws_).expires_never();
  // Answers the upgrade request with 101, or fails it.
  ws_.async_accept(request, [self = shared_from_this(), opened = std::move(opened)](beast::error_code error) {
    if (error) {
      self->finish();
      return;
    }
    opened(self);
  });
}

void WebSocketSession::start(std::function<void(std::string)> on_message, std::function<void()> on_closed) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), on_message = std::move(on_message),
                                      on_closed = std::move(on_closed)]() mutable {
    self->on_message_ = std::move(on_message);
    self->on_closed_ = std::move(on_closed);
    if (self->finished_) {
      self->finish();
      return;
    }
    self->do_read();
  });
}

void WebSocketSession::do_read() {
  // Reads the next whole message; the loop ends when the connection does.
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) {
      self->finish();
      return;
    }
    std::string message = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    if (self->on_message_) self->on_message_(std::move(message));
    if (!self->finished_) self->do_read();
  });
}

bool WebSocketSession::send(std::string message) {
  if (closing_.load()) return false;
  const std::size_t size = message.size();
  if (queued_bytes_.fetch_add(size) + size > max_queued_bytes_) {
    shared_->logger.warn("websocket: a client reads too slowly (more than " + std::to_string(max_queued_bytes_) +
                         " bytes queued); disconnecting it");
    close();
    return false;
  }
  asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    if (self->finished_) return;
    self->outgoing_.push_back(std::move(message));
    self->do_write();
  });
  return true;
}

void WebSocketSession::do_write() {
  if (writing_ || outgoing_.empty() || finished_) return;
  writing_ = true;
  ws_.text(true);
  // Writes the oldest queued message; the next follows when it is out.
  ws_.async_write(asio::buffer(outgoing_.front()), [self = shared_from_this()](beast::error_code error, std::size_t) {
    self->writing_ = false;
    if (!self->outgoing_.empty()) {
      self->queued_bytes_.fetch_sub(self->outgoing_.front().size());
      self->outgoing_.pop_front();
    }
    if (error || self->finished_) {
      self->finish();
      return;
    }
    // A close asked for while writing goes out now; what is still queued is dropped.
    if (self->closing_.load()) {
      self->close();
      return;
    }
    self->do_write();
  });
}

void WebSocketSession::close() {
  closing_.store(true);
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->finished_ || self->writing_) return;
    // The closing handshake is bounded by the stream's timeout option.
    self->ws_.async_close(websocket::close_code::going_away,
                          [self](beast::error_code) { self->finish(); });
  });
}

void WebSocketSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_.store(true);
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  outgoing_.clear();
  auto on_closed = std::move(on_closed_);
  on_message_ = nullptr;
  on_closed_ = nullptr;
  if (on_closed) on_closed();
}

}  // namespace processhost::host
