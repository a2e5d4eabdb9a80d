#include "iam_plugin.hpp"

#include <stdexcept>
#include <string>

namespace processhost::plugins::iam {

IamPlugin::IamPlugin(EnvironmentLookup environment) : environment_(std::move(environment)) {}

void IamPlugin::configure(HostContext& context) {
  if (config_) throw std::logic_error("the iam plugin is configured twice");
  const IamConfig& config = config_.emplace(parse_iam_config(context.config(), context.config_dir(), environment_));
  const UserDirectory& users = users_.emplace(UserDirectory::load(config.users_file));
  hasher_ = std::make_unique<PasswordHasher>(config.password_limits);
  for (const auto& [name, user] : users.users()) {
    if (hasher_->needs_rehash(user.password_hash)) {
      context.logger().warn("user " + json_quote(name) +
                            ": the password hash uses other limits than passwordHashing; logins of unknown "
                            "users then take a different time (rehash with processhost-hash-password)");
    }
  }
  tokens_ = std::make_unique<TokenService>(
      TokenSettings{config.issuer, config.secret, config.previous_secrets, config.token_lifetime, config.clock_leeway});
  throttle_ = std::make_unique<LoginThrottle>(config.login_throttle);
  logins_ = std::make_unique<LoginService>(users, *hasher_, *tokens_);
  pool_ = std::make_unique<WorkerPool<>>(
      WorkerPool<>::Options{.threads = config.worker_threads, .max_queued = config.max_pending_logins});
  identity_ = std::make_unique<IdentityProvider>(*tokens_, config.allow_god_token);
  route_ = std::make_unique<LoginRoute>(*logins_, *throttle_, *pool_, context.logger());

  context.services().provide<IdentityService>(*identity_);
  context.http().add_route("POST", kLoginRoutePath, route_->handler(), RouteOptions{kMaxLoginBodyBytes});
  context.logger().info(std::to_string(users.size()) + " user(s) from '" + config.users_file.string() + "', issuer " +
                        json_quote(config.issuer) + ", token lifetime " +
                        std::to_string(config.token_lifetime.count()) + " s, signing key from " + config.secret_source);
  const auto& throttle = config.login_throttle;
  context.logger().info("login throttle: per account " + std::to_string(throttle.account.free_failures) +
                        " free failures, then " + std::to_string(throttle.account.base_delay.count()) +
                        " s doubling to " + std::to_string(throttle.account.max_delay.count()) + " s; per address " +
                        std::to_string(throttle.address.max_failures) + " failures per " +
                        std::to_string(throttle.address.window.count()) + " s");
}

void IamPlugin::start(HostContext& context) {
  if (!config_) throw std::logic_error("the iam plugin is started before it was configured");
  pool_->start();
  if (config_->allow_god_token) {
    context.logger().warn(
        "allowGodToken is true: the public demo token ZHVtbXlfdG9rZW4= is accepted as a super user; never "
        "enable it outside a demo");
  }
}

void IamPlugin::stop() noexcept {
  if (pool_) pool_->stop();
}

}  // namespace processhost::plugins::iam
