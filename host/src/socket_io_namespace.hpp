#pragma once
// A plugin's socket.io namespace inside the host: its handlers behind a gate that closing
// takes (so no handler runs once the plugin's handle is gone), the clients it admitted, and
// each client's membership (NamespaceClient, what the plugin holds as SocketClient).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "processhost/services/socket_io.hpp"

namespace processhost::host {

class EngineIoSession;
class NamespaceCore;

class NamespaceClient final : public SocketClient {
 public:
  NamespaceClient(std::shared_ptr<NamespaceCore> core, const std::shared_ptr<EngineIoSession>& session,
                  SocketHandshake handshake);

  const std::string& id() const override { return id_; }
  const SocketHandshake& handshake() const override { return handshake_; }
  bool emit(std::string_view name, std::string_view json_argument) override;
  void disconnect() override;
  bool connected() const override { return admitted_.load() && !gone_.load(); }

  const std::shared_ptr<NamespaceCore>& core() const { return core_; }
  std::shared_ptr<EngineIoSession> session_of() const { return session_.lock(); }
  // Admitted: it receives events from now on. False when it left meanwhile.
  bool admit();
  // True the first time only: the client left.
  bool mark_gone() { return !gone_.exchange(true); }
  bool was_admitted() const { return admitted_.load(); }

 private:
  std::shared_ptr<NamespaceCore> core_;
  std::weak_ptr<EngineIoSession> session_;
  std::string id_;
  SocketHandshake handshake_;
  std::atomic<bool> admitted_{false};
  std::atomic<bool> gone_{false};
};

class NamespaceCore : public std::enable_shared_from_this<NamespaceCore> {
 public:
  NamespaceCore(std::string name, SocketNamespaceHandlers handlers);
  const std::string& name() const { return name_; }

  // A client asks to join: the plugin's on_connect decides.
  void connect(const std::shared_ptr<NamespaceClient>& client);
  void event(const std::shared_ptr<NamespaceClient>& client, std::string event_name, std::string arguments);
  // The client left (its session told the client already where that applies).
  void left(NamespaceClient& client);
  // No handler runs after this returns; every admitted client is disconnected.
  void close();

 private:
  void admitted(const std::shared_ptr<NamespaceClient>& client, std::optional<std::string> refusal);

  const std::string name_;
  // Held while a handler runs; recursive because a handler may admit at once.
  std::recursive_mutex gate_;
  SocketNamespaceHandlers handlers_;  // guarded by gate_; emptied by close()
  bool open_ = true;                  // guarded by gate_
  std::unordered_map<const NamespaceClient*, std::weak_ptr<NamespaceClient>> admitted_;  // guarded by gate_
};

}  // namespace processhost::host
