#pragma once
// The per-account slowdown: failed logins of one username, from any address, make its
// next attempt wait longer and longer (up to a cap). It never locks an account: once the
// wait is over, the right password passes, whoever guessed before.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "iam_config.hpp"
#include "throttle_table.hpp"

namespace processhost::plugins::iam {

// Not thread-safe: LoginThrottle serialises calls. Accounts are opaque 64-bit keys.
class AccountThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  AccountThrottle(AccountThrottleConfig config, std::size_t max_keys);

  // How long the account must still wait before its next attempt; zero when it may try now.
  Duration wait(std::uint64_t account, TimePoint now);
  // Counts an attempt as a failure, from its start: parallel guesses cannot slip through
  // while the first ones are still being verified. forgive() or clear() take it back.
  void count_attempt(std::uint64_t account, TimePoint now);
  // Takes back one counted attempt that was never verified (queue full, client gone).
  void forgive(std::uint64_t account, TimePoint now);
  // The right password: the account's failures are forgotten.
  void clear(std::uint64_t account);

  // The wait after `failures` failures: zero below free_failures, then base_delay doubling
  // with each failure, at most max_delay.
  Duration delay_after(std::uint32_t failures) const;

  // Keys held now, expired ones included until they are dropped.
  std::size_t size() const { return states_.size(); }

 private:
  struct State {
    std::uint32_t failures = 0;
    TimePoint last_seen{};
  };

  AccountThrottleConfig config_;
  ThrottleTable<State> states_;
};

}  // namespace processhost::plugins::iam
