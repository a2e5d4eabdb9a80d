#pragma once
// The iam plugin: reads its config and users in configure(), provides
// processhost.identity/1 and registers POST /iam/login; runs the login worker threads
// between start() and stop().

#include <memory>
#include <optional>

#include "iam_config.hpp"
#include "identity_provider.hpp"
#include "login_route.hpp"
#include "login_service.hpp"
#include "login_throttle.hpp"
#include "password_hasher.hpp"
#include "processhost/plugin.hpp"
#include "token_service.hpp"
#include "user_directory.hpp"

namespace processhost::plugins::iam {

class IamPlugin final : public Plugin {
 public:
  // environment is how the secret override is read (the process environment in the host).
  explicit IamPlugin(EnvironmentLookup environment = process_environment());

  // Throws std::invalid_argument (config, users file) or std::runtime_error (libsodium).
  void configure(HostContext& context) override;
  void start(HostContext& context) override;
  void stop() noexcept override;

 private:
  EnvironmentLookup environment_;
  std::optional<IamConfig> config_;
  std::optional<UserDirectory> users_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<LoginService> logins_;
  std::unique_ptr<WorkerPool<>> pool_;
  std::unique_ptr<IdentityProvider> identity_;
  std::unique_ptr<LoginRoute> route_;
};

}  // namespace processhost::plugins::iam
