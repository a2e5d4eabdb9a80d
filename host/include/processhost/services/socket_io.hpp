#pragma once
// The host's socket.io 2.x endpoint (Engine.IO protocol 3) at "/socket.io/" on the HTTP
// port, as a service on which plugins open namespaces. The host runs the transports
// (long-polling and WebSocket), the handshake, ping/pong and the bounded per-connection
// queues; a plugin decides who may join its namespace and what is emitted to whom.
// No Asio or Beast object crosses this boundary.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace processhost {

// What a client presented when it connected: the Engine.IO handshake request's header
// fields (names in lower case) and query parameters, plus the namespace's own query.
struct SocketHandshake {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;
  std::string remote_address;

  std::optional<std::string_view> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return std::nullopt;
  }
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
};

// One client's membership in one namespace. Thread-safe; emit and disconnect never block.
class SocketClient {
 public:
  virtual ~SocketClient() = default;
  // Unique per host and connection (the Engine.IO session id and the namespace).
  virtual const std::string& id() const = 0;
  virtual const SocketHandshake& handshake() const = 0;
  // Queues the event `name` with one argument, json_argument (serialised JSON). Returns
  // false when the client is gone. When the connection's queue is full the client is
  // disconnected instead: a slow consumer never makes the host buffer without limit.
  virtual bool emit(std::string_view name, std::string_view json_argument) = 0;
  // Leaves the namespace (the client sees a disconnect packet); the connection stays.
  virtual void disconnect() = 0;
  virtual bool connected() const = 0;
};

// Decides on a client that asks to join. Call exactly once, from any thread: nullopt admits
// the client; a message refuses it (the client receives it as an "error" event).
using SocketAdmission = std::function<void(std::optional<std::string> refusal)>;

struct SocketNamespaceHandlers {
  // A client asks to join. Runs on an I/O thread: must not block; answer through admission,
  // now or later. The client receives events only after it has been admitted.
  std::function<void(std::shared_ptr<SocketClient> client, SocketAdmission admission)> on_connect;
  // An admitted client left (it disconnected, timed out, was too slow, or the host stops).
  // Optional.
  std::function<void(const SocketClient& client)> on_disconnect;
  // An event the client emitted: its name and its arguments as one JSON array. Optional.
  std::function<void(const std::shared_ptr<SocketClient>& client, std::string name, std::string json_arguments)>
      on_event;
};

// An open namespace. Destroying it closes it: its clients are disconnected and, once the
// destructor has returned, none of its handlers runs any more (so a plugin destroys it in
// stop(), before its library goes). Do not destroy it from inside one of its handlers.
class SocketNamespace {
 public:
  virtual ~SocketNamespace() = default;
  virtual const std::string& name() const = 0;
};

class SocketIoService {
 public:
  static constexpr std::string_view kServiceId = "processhost.socket_io/1";
  virtual ~SocketIoService() = default;

  // Control plane. name starts with "/" ("/consumer_api"); "/" is the default namespace
  // every client joins. Throws std::invalid_argument when the name is malformed or already
  // open.
  virtual std::unique_ptr<SocketNamespace> open_namespace(std::string name, SocketNamespaceHandlers handlers) = 0;
};

}  // namespace processhost
