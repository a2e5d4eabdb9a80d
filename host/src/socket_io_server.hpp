#pragma once
// The host's socket.io 2.x endpoint (Engine.IO 3) and the SocketIoService plugins open
// namespaces on. The polling transport is two plain routes (GET and POST /socket.io/);
// WebSocket connections come from the HTTP server's WebSocket route. Owns the sessions by
// sid, the open namespaces, and a sweeper thread that closes sessions whose client stopped
// pinging. The host creates it before any plugin and calls shutdown() before the HTTP server
// stops, so no session outlives the I/O threads.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "engine_io_session.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/socket_io.hpp"
#include "route_table.hpp"
#include "websocket_channel.hpp"

namespace processhost::host {

class NamespaceCore;

class SocketIoServer final : public SocketIoService, private EngineIoListener {
 public:
  static constexpr std::string_view kPath = "/socket.io";

  SocketIoServer(EngineIoSettings settings, Logger& logger);
  ~SocketIoServer() override;

  // Registers the polling routes (owner "host") and returns the WebSocket route for the
  // HTTP server. Starts the sweeper.
  WebSocketRoute start(RouteTable& routes);
  // Closes every session (their polls are answered, their WebSockets closed) and stops the
  // sweeper. Idempotent.
  void shutdown() noexcept;

  std::unique_ptr<SocketNamespace> open_namespace(std::string name, SocketNamespaceHandlers handlers) override;
  // Called by a namespace handle as it closes.
  void remove_namespace(const std::string& name);

  std::size_t session_count() const;

 private:
  void handle_polling(HttpRequest request, std::shared_ptr<Responder> responder);
  void open_websocket(HttpRequest request, std::shared_ptr<WebSocketChannel> channel);
  std::shared_ptr<EngineIoSession> create_session(const HttpRequest& request);
  std::shared_ptr<EngineIoSession> find_session(std::string_view sid) const;
  void on_message(const std::shared_ptr<EngineIoSession>& session, std::string data) override;
  void on_closed(const std::shared_ptr<EngineIoSession>& session) override;
  void sweep_until_stopped();

  const EngineIoSettings settings_;
  Logger& logger_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<EngineIoSession>> sessions_;
  std::map<std::string, std::shared_ptr<NamespaceCore>, std::less<>> namespaces_;
  bool stopping_ = false;
  std::condition_variable wake_sweeper_;
  std::thread sweeper_;
};

}  // namespace processhost::host
