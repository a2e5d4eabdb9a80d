#include "login_throttle.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "client_network.hpp"

namespace processhost::plugins::iam {
namespace {

std::chrono::seconds whole_seconds(std::chrono::steady_clock::duration wait) {
  return std::max(std::chrono::ceil<std::chrono::seconds>(wait), std::chrono::seconds(1));
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleConfig config, Clock clock)
    : clock_(std::move(clock)),
      accounts_(config.account, config.max_tracked_keys),
      addresses_(config.address, config.max_tracked_keys) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  crypto_shorthash_keygen(hash_key_.data());
}

ThrottleDecision LoginThrottle::begin(std::string_view username, std::string_view address) {
  const auto account = hash(username);
  const auto network = hash(client_network(address));
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (auto wait = addresses_.wait(network, now); wait > wait.zero()) {
    return {ThrottleDecision::Limit::address, whole_seconds(wait)};
  }
  if (auto wait = accounts_.wait(account, now); wait > wait.zero()) {
    return {ThrottleDecision::Limit::account, whole_seconds(wait)};
  }
  addresses_.spend(network, now);
  accounts_.count_attempt(account, now);
  return {};
}

void LoginThrottle::succeeded(std::string_view username, std::string_view address) {
  const auto account = hash(username);
  const auto network = hash(client_network(address));
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  accounts_.clear(account);
  addresses_.refund(network, now);
}

void LoginThrottle::abandoned(std::string_view username, std::string_view address) {
  const auto account = hash(username);
  const auto network = hash(client_network(address));
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  accounts_.forgive(account, now);
  addresses_.refund(network, now);
}

LoginThrottle::Tracked LoginThrottle::tracked() {
  std::lock_guard lock(mutex_);
  return {accounts_.size(), addresses_.size()};
}

std::uint64_t LoginThrottle::hash(std::string_view text) const {
  unsigned char digest[crypto_shorthash_BYTES];
  crypto_shorthash(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(), hash_key_.data());
  std::uint64_t value = 0;
  std::memcpy(&value, digest, sizeof value);
  return value;
}

}  // namespace processhost::plugins::iam
