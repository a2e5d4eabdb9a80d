#pragma once
// An API's socket.io namespace ("/consumer_api", spec section 2.6; "/management_api"). A
// client joins with the handshake's "Authorization: <raw token>" header (the original
// clients set it as a polling extra header; "Bearer <token>" is taken too), and, where the
// API requires one, holding its claim; it then receives every global event, and the
// per-user events of instances its user owns.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "plugin_common/notifications/notification_events.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/identity.hpp"
#include "processhost/services/socket_io.hpp"

namespace processhost::plugins::notifications {

// Who may join a namespace.
struct SocketAdmissionRule {
  std::string required_claim;  // empty: any authenticated identity
  std::string super_claim;     // when not empty, passes the required claim's check too
};

class SocketNotifications {
 public:
  // Opens the namespace (e.g. "/consumer_api"). identity may be null: every client then joins
  // as the anonymous identity. Throws std::invalid_argument when the namespace is open already.
  SocketNotifications(SocketIoService& service, std::string namespace_name, const IdentityService* identity,
                      Logger& logger, SocketAdmissionRule rule = {});
  // Closes the namespace: no handler of this object runs afterwards. Idempotent; a late
  // publish (an engine thread still delivering) then reaches nobody.
  void close();
  ~SocketNotifications();

  // Emits to every admitted client the notification is for. Never blocks.
  void publish(const Notification& notification);
  std::size_t client_count() const;

 private:
  struct Clients {
    mutable std::mutex mutex;
    // The admitted clients and their user ids, by client id.
    std::unordered_map<std::string, std::pair<std::shared_ptr<SocketClient>, std::string>> by_id;
  };

  std::shared_ptr<Clients> clients_;
  std::unique_ptr<SocketNamespace> namespace_;
};

}  // namespace processhost::plugins::notifications
