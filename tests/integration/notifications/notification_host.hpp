#pragma once
// A host for the notification tests: the real binary with consumer_api, the sample process
// and, when asked, the iam plugin with two users (sampleUser/pass, admin/admin-pass).

#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::notifications_integration {

using processhost::testing::Headers;

class NotificationHost {
 public:
  // notifications: the host config's "notifications" object, e.g. {"maxQueuedBytes":1024}.
  explicit NotificationHost(bool with_iam, const std::string& notifications = "{}");
  ~NotificationHost();
  std::uint16_t port() const { return host_->port(); }
  std::string output() const { return host_->output(); }
  // SIGTERM and wait: the exit code (0 for a clean shutdown).
  int stop() { return host_->stop(); }

  // The token of a login, or "" when the host has no iam.
  std::string login(const std::string& user, const std::string& password) const;
  // Starts sample_process (callback type 1) as token's user; returns the instance id.
  std::string start_sample(const std::string& token, const std::string& correlation_id) const;
  // Finishes the instance's waiting user task.
  void finish_user_task(const std::string& token, const std::string& instance_id, const std::string& correlation_id,
                        const std::string& flow_node_instance_id) const;

 private:
  Headers auth(const std::string& token) const;
  std::unique_ptr<processhost::testing::TempDir> dir_;
  std::unique_ptr<processhost::testing::HostProcess> host_;
  bool with_iam_;
};

// A member of a JSON object in a socket.io event packet's argument.
std::string event_field(const std::string& packet, const std::string& field);

}  // namespace processhost::notifications_integration
