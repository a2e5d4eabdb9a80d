#pragma once
// Login throttling as OWASP's authentication cheat sheet recommends: a growing delay per
// account (never a lockout), and a budget of failures per client network across all
// usernames (against password spraying). Refusals carry the time to retry (429 with
// Retry-After); nothing here sleeps.

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "account_throttle.hpp"
#include "address_budget.hpp"
#include "iam_config.hpp"

namespace processhost::plugins::iam {

struct ThrottleDecision {
  enum class Limit { none, address, account };
  Limit limit = Limit::none;
  // When refused: whole seconds until the attempt may be made (at least 1).
  std::chrono::seconds retry_after{0};

  bool allowed() const { return limit == Limit::none; }
};

// Thread-safe; every call is short (one mutex, no I/O), so it may run on an I/O thread.
// Memory is bounded by config.max_tracked_keys per table. Usernames and addresses are kept
// only as keyed hashes (SipHash with a key drawn at construction), so they are neither
// stored nor can they be chosen to collide.
class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Throws std::runtime_error when libsodium cannot be initialised.
  explicit LoginThrottle(LoginThrottleConfig config, Clock clock = &std::chrono::steady_clock::now);

  // Decides whether a login of username from address may be verified now. The address
  // budget is checked first, so a refused address cannot push an account's delay further.
  // An allowed attempt counts as a failure of both until succeeded() or abandoned().
  ThrottleDecision begin(std::string_view username, std::string_view address);
  // The password was right: the account's failures are forgotten and the address's
  // attempt is refunded (its earlier failures stay counted).
  void succeeded(std::string_view username, std::string_view address);
  // The attempt was never verified (the pool was full, the client left): undo begin().
  void abandoned(std::string_view username, std::string_view address);

  struct Tracked {
    std::size_t accounts = 0;
    std::size_t addresses = 0;
  };
  // How many keys each table holds now (at most config.max_tracked_keys each).
  Tracked tracked();

 private:
  std::uint64_t hash(std::string_view text) const;

  Clock clock_;
  std::array<unsigned char, crypto_shorthash_KEYBYTES> hash_key_{};
  std::mutex mutex_;
  AccountThrottle accounts_;
  AddressBudget addresses_;
};

}  // namespace processhost::plugins::iam
