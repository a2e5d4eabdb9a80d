#pragma once
// One Engine.IO 3 connection (a "session" with its sid): long-polling, a WebSocket after an
// upgrade, or a WebSocket from the start. It owns the queue of packets not yet sent (bounded:
// a client that does not fetch them is closed), the waiting poll, the WebSocket, the time it
// was last heard from, and the socket.io namespaces the client joined. Thread-safe; it never
// calls its listener or a namespace handler while holding its lock.

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/socket_io.hpp"
#include "websocket_channel.hpp"

namespace processhost::host {

class EngineIoSession;
class NamespaceClient;

struct EngineIoSettings {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::size_t max_queued_bytes = 1024 * 1024;
};

// What a session reports to its server.
class EngineIoListener {
 public:
  virtual ~EngineIoListener() = default;
  // A message packet's data: a socket.io packet.
  virtual void on_message(const std::shared_ptr<EngineIoSession>& session, std::string data) = 0;
  // Once, after the session closed; its namespace clients have been told already.
  virtual void on_closed(const std::shared_ptr<EngineIoSession>& session) = 0;
};

class EngineIoSession : public std::enable_shared_from_this<EngineIoSession> {
 public:
  // listener must outlive the session's traffic (the server closes every session first).
  EngineIoSession(std::string sid, SocketHandshake handshake, EngineIoSettings settings, EngineIoListener& listener,
                  Logger& logger);

  const std::string& sid() const { return sid_; }
  const SocketHandshake& handshake() const { return handshake_; }

  // Queues one encoded Engine.IO packet for the client. False when the session is closed or
  // the queue is full (the session is then closed).
  bool send(std::string packet);
  // A GET of the polling transport: answered now when packets wait, else when one comes.
  void poll(std::shared_ptr<Responder> responder);
  // A POST of the polling transport: the client's packets.
  HttpResponse receive(std::string_view body);
  // A WebSocket for this session: upgrading (probe, then upgrade packet) when the session
  // began with polling, or the only transport when it began on the WebSocket.
  void attach_websocket(std::shared_ptr<WebSocketChannel> channel, bool upgrading);

  bool expired(std::chrono::steady_clock::time_point now) const;
  void close(const std::string& reason);

  // socket.io namespaces this client joined (or asks to join).
  void add_client(std::shared_ptr<NamespaceClient> client);
  std::shared_ptr<NamespaceClient> client(const std::string& nsp) const;
  // Removes the client of nsp, tells the client when tell_client, and its namespace.
  void leave(const std::string& nsp, bool tell_client);

 private:
  void handle_packet(std::string_view text);
  void on_websocket_message(const std::shared_ptr<WebSocketChannel>& channel, std::string text);
  static HttpResponse payload_response(const std::vector<std::string>& packets);

  const std::string sid_;
  const SocketHandshake handshake_;
  const EngineIoSettings settings_;
  EngineIoListener& listener_;
  Logger& logger_;

  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::shared_ptr<Responder> poll_;
  std::shared_ptr<WebSocketChannel> websocket_;
  bool websocket_active_ = false;  // packets go to the WebSocket, not the queue
  bool upgrading_ = false;         // probed: polls are answered with noop
  bool closed_ = false;
  std::chrono::steady_clock::time_point last_seen_;
  std::map<std::string, std::shared_ptr<NamespaceClient>> clients_;
};

}  // namespace processhost::host
