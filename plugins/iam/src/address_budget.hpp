#pragma once
// The per-address budget of failed logins, across all usernames: it stops one client from
// trying one password on many accounts (spraying), which the per-account delay never sees.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "iam_config.hpp"
#include "throttle_table.hpp"

namespace processhost::plugins::iam {

// A token bucket kept as one time per address (the generic cell rate algorithm): up to
// max_failures failures at once, then one more each window / max_failures. Not
// thread-safe: LoginThrottle serialises calls. Addresses are opaque 64-bit keys.
class AddressBudget {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  AddressBudget(AddressBudgetConfig config, std::size_t max_keys);

  // How long until the address may fail once more; zero when it may try now.
  Duration wait(std::uint64_t address, TimePoint now);
  // Spends one failure of the budget (from the attempt's start; refund() takes it back).
  void spend(std::uint64_t address, TimePoint now);
  // The attempt was no failure (right password, or never verified).
  void refund(std::uint64_t address, TimePoint now);

  // Keys held now, expired ones included until they are dropped.
  std::size_t size() const { return states_.size(); }

 private:
  struct State {
    // When the budget is whole again; each failure moves it on by one interval.
    TimePoint full_at{};
    TimePoint last_seen{};
  };

  Duration window_;
  Duration interval_;
  ThrottleTable<State> states_;
};

}  // namespace processhost::plugins::iam
