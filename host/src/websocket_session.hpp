#pragma once
// One WebSocket connection (Boost.Beast), taken over from an HttpSession whose request
// asked to upgrade. Owns the stream and its outgoing queue; every member runs on the
// connection's strand, send() and close() post to it from any thread.

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "http_shared.hpp"
#include "websocket_channel.hpp"

namespace processhost::host {

class WebSocketSession final : public WebSocketChannel, public std::enable_shared_from_this<WebSocketSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  WebSocketSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpShared> shared, std::size_t max_queued_bytes,
                   std::size_t max_message_bytes);
  ~WebSocketSession() override;

  // Answers the upgrade request; on success calls opened(this) on the strand.
  void accept(Request request, boost::beast::flat_buffer leftover,
              std::function<void(std::shared_ptr<WebSocketChannel>)> opened);

  void start(std::function<void(std::string)> on_message, std::function<void()> on_closed) override;
  bool send(std::string message) override;
  void close() override;

 private:
  void do_read();
  void do_write();
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<HttpShared> shared_;
  const std::size_t max_queued_bytes_;
  std::function<void(std::string)> on_message_;
  std::function<void()> on_closed_;
  std::deque<std::string> outgoing_;
  std::atomic<std::size_t> queued_bytes_{0};
  std::atomic<bool> closing_{false};
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace processhost::host
