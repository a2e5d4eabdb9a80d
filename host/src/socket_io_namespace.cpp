#include "socket_io_namespace.hpp"

#include <vector>

#include "engine_io_codec.hpp"
#include "engine_io_session.hpp"
#include "processhost/json.hpp"
#include "socket_io_codec.hpp"

namespace processhost::host {

NamespaceClient::NamespaceClient(std::shared_ptr<NamespaceCore> core, const std::shared_ptr<EngineIoSession>& session,
                                 SocketHandshake handshake)
    : core_(std::move(core)),
      session_(session),
      id_(core_->name() + "#" + session->sid()),
      handshake_(std::move(handshake)) {}

bool NamespaceClient::emit(std::string_view name, std::string_view json_argument) {
  if (!connected()) return false;
  const auto session = session_.lock();
  if (!session) return false;
  return session->send(
      engine_io::encode_packet(engine_io::PacketType::message, socket_io::encode_event(core_->name(), name, json_argument)));
}

void NamespaceClient::disconnect() {
  if (const auto session = session_.lock()) {
    session->leave(core_->name(), true);
  } else if (mark_gone()) {
    core_->left(*this);
  }
}

bool NamespaceClient::admit() {
  if (gone_.load()) return false;
  const auto session = session_.lock();
  if (!session) return false;
  // The CONNECT answer goes out before any event: events are sent only once admitted.
  session->send(engine_io::encode_packet(engine_io::PacketType::message,
                                         socket_io::encode(socket_io::PacketType::connect, core_->name())));
  admitted_.store(true);
  return true;
}

NamespaceCore::NamespaceCore(std::string name, SocketNamespaceHandlers handlers)
    : name_(std::move(name)), handlers_(std::move(handlers)) {}

void NamespaceCore::connect(const std::shared_ptr<NamespaceClient>& client) {
  std::lock_guard lock(gate_);
  if (!open_ || !handlers_.on_connect) {
    admitted(client, open_ ? std::nullopt : std::optional<std::string>("Invalid namespace"));
    return;
  }
  auto once = std::make_shared<std::atomic<bool>>(false);
  SocketAdmission admission = [self = shared_from_this(), client, once](std::optional<std::string> refusal) {
    if (once->exchange(true)) return;
    self->admitted(client, std::move(refusal));
  };
  handlers_.on_connect(client, std::move(admission));
}

void NamespaceCore::admitted(const std::shared_ptr<NamespaceClient>& client, std::optional<std::string> refusal) {
  std::lock_guard lock(gate_);
  if (!open_) refusal = "Invalid namespace";
  const auto session = client->session_of();
  if (refusal) {
    if (session) {
      session->send(engine_io::encode_packet(
          engine_io::PacketType::message, socket_io::encode(socket_io::PacketType::error, name_, json_quote(*refusal))));
      session->leave(name_, false);
    }
    return;
  }
  if (client->admit()) admitted_.emplace(client.get(), client);
}

void NamespaceCore::event(const std::shared_ptr<NamespaceClient>& client, std::string event_name,
                          std::string arguments) {
  std::lock_guard lock(gate_);
  if (open_ && client->was_admitted() && handlers_.on_event) {
    handlers_.on_event(client, std::move(event_name), std::move(arguments));
  }
}

void NamespaceCore::left(NamespaceClient& client) {
  std::lock_guard lock(gate_);
  admitted_.erase(&client);
  if (open_ && client.was_admitted() && handlers_.on_disconnect) handlers_.on_disconnect(client);
}

void NamespaceCore::close() {
  std::vector<std::shared_ptr<NamespaceClient>> clients;
  {
    std::lock_guard lock(gate_);
    open_ = false;
    // The plugin's callbacks die here, while its library is still loaded.
    handlers_ = SocketNamespaceHandlers{};
    for (auto& [key, weak] : admitted_) {
      if (auto client = weak.lock()) clients.push_back(std::move(client));
    }
    admitted_.clear();
  }
  for (auto& client : clients) client->disconnect();
}

}  // namespace processhost::host
