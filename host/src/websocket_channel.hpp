#pragma once
// A WebSocket connection as the host's Beast-free parts see it: text messages in and out.
// The HTTP server creates it when a request asks to upgrade on the WebSocket route.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "processhost/services/http.hpp"

namespace processhost::host {

class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  // Starts reading. on_message runs for each text message, on_closed once when the
  // connection is gone (either side closed it, or it failed); both on the connection's
  // strand, never concurrently. The callbacks are dropped after on_closed.
  virtual void start(std::function<void(std::string)> on_message, std::function<void()> on_closed) = 0;
  // Queues a text message. Thread-safe, never blocks. False when the connection is closed,
  // or when the bytes queued and not yet written would pass the limit: the connection is
  // then closed, a slow reader is never buffered for without bound.
  virtual bool send(std::string message) = 0;
  // Closes the connection (a close frame, then the socket). Thread-safe; idempotent.
  virtual void close() = 0;
};

// Where the server hands a WebSocket upgrade request.
struct WebSocketRoute {
  std::string path;  // matched with or without a trailing slash, e.g. "/socket.io"
  std::size_t max_queued_bytes = 1024 * 1024;
  std::size_t max_message_bytes = 1024 * 1024;
  // Called on the connection's strand once the WebSocket handshake has been answered.
  std::function<void(HttpRequest request, std::shared_ptr<WebSocketChannel> channel)> open;
};

}  // namespace processhost::host
