#include "plugin_common/notifications/socket_notifications.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace processhost::plugins::notifications {
namespace {

// The identity of a client's handshake, or why it may not join.
Result<Identity> identify(const IdentityService* identity, const SocketHandshake& handshake) {
  if (identity == nullptr) return anonymous_identity();
  const auto header = handshake.header("authorization");
  if (!header || header->empty()) return make_error(ErrorStatus::unauthorized, "Unauthorized: No auth token provided!");
  std::string value(*header);
  // The original client sends the raw token; the identity service reads "Bearer <token>".
  if (value.find(' ') == std::string::npos) value = "Bearer " + value;
  auto result = identity->authenticate(value);
  if (!result) return make_error(ErrorStatus::unauthorized, "Unauthorized: " + result.error().message);
  return result;
}

// The 403 wording of the HTTP routes, so that a client sees the same reason on both.
std::optional<std::string> refusal(const Identity& identity, const SocketAdmissionRule& rule) {
  if (rule.required_claim.empty() || identity.has_claim(rule.required_claim)) return std::nullopt;
  if (!rule.super_claim.empty() && identity.has_claim(rule.super_claim)) return std::nullopt;
  return "Forbidden: Identity does not have the requested claim! (" + rule.required_claim + ")";
}

}  // namespace

SocketNotifications::SocketNotifications(SocketIoService& service, std::string namespace_name,
                                         const IdentityService* identity, Logger& logger, SocketAdmissionRule rule)
    : clients_(std::make_shared<Clients>()) {
  SocketNamespaceHandlers handlers;
  handlers.on_connect = [clients = clients_, identity, &logger, rule = std::move(rule)](
                            std::shared_ptr<SocketClient> client, SocketAdmission admission) {
    auto verified = identify(identity, client->handshake());
    if (!verified) {
      if (logger.enabled(LogLevel::debug)) logger.debug("socket.io client refused: " + verified.error().message);
      admission(verified.error().message);
      return;
    }
    if (auto refused = refusal(*verified, rule)) {
      if (logger.enabled(LogLevel::debug)) logger.debug("socket.io client refused: " + *refused);
      admission(std::move(refused));
      return;
    }
    admission(std::nullopt);
    // Admitted first: a client that left meanwhile is not connected and stays out.
    std::lock_guard lock(clients->mutex);
    if (client->connected()) clients->by_id[client->id()] = {client, verified->user_id};
  };
  handlers.on_disconnect = [clients = clients_](const SocketClient& client) {
    std::lock_guard lock(clients->mutex);
    clients->by_id.erase(client.id());
  };
  namespace_ = service.open_namespace(namespace_name, std::move(handlers));
}

void SocketNotifications::close() {
  namespace_.reset();
  std::lock_guard lock(clients_->mutex);
  clients_->by_id.clear();
}

SocketNotifications::~SocketNotifications() { close(); }

void SocketNotifications::publish(const Notification& notification) {
  std::vector<std::shared_ptr<SocketClient>> targets;
  {
    std::lock_guard lock(clients_->mutex);
    targets.reserve(clients_->by_id.size());
    for (const auto& [id, entry] : clients_->by_id) {
      if (notification.only_for_user_id.empty() || entry.second == notification.only_for_user_id) {
        targets.push_back(entry.first);
      }
    }
  }
  // Outside the lock: a client too slow to keep up is disconnected by emit, which calls
  // back into on_disconnect.
  std::vector<std::string> gone;
  for (const auto& client : targets) {
    if (!client->emit(notification.event, notification.message) && !client->connected()) gone.push_back(client->id());
  }
  if (gone.empty()) return;
  std::lock_guard lock(clients_->mutex);
  for (const auto& id : gone) clients_->by_id.erase(id);
}

std::size_t SocketNotifications::client_count() const {
  std::lock_guard lock(clients_->mutex);
  return clients_->by_id.size();
}

}  // namespace processhost::plugins::notifications
