#include "account_throttle.hpp"

#include <algorithm>
#include <limits>

namespace processhost::plugins::iam {

AccountThrottle::AccountThrottle(AccountThrottleConfig config, std::size_t max_keys)
    : config_(config), states_(max_keys, [forget_after = config.forget_after](const State& state, TimePoint now) {
        return now - state.last_seen >= forget_after;
      }) {}

AccountThrottle::Duration AccountThrottle::wait(std::uint64_t account, TimePoint now) {
  const State* state = states_.find(account, now);
  if (state == nullptr) return Duration::zero();
  return std::max(Duration::zero(), state->last_seen + delay_after(state->failures) - now);
}

void AccountThrottle::count_attempt(std::uint64_t account, TimePoint now) {
  State& state = states_.find_or_add(account, now);
  if (state.failures < std::numeric_limits<std::uint32_t>::max()) ++state.failures;
  state.last_seen = now;
}

void AccountThrottle::forgive(std::uint64_t account, TimePoint now) {
  State* state = states_.find(account, now);
  if (state != nullptr && state->failures > 0) --state->failures;
}

void AccountThrottle::clear(std::uint64_t account) { states_.erase(account); }

AccountThrottle::Duration AccountThrottle::delay_after(std::uint32_t failures) const {
  if (failures < config_.free_failures) return Duration::zero();
  const Duration cap = config_.max_delay;
  Duration delay = config_.base_delay;
  // Doubling stops at the cap, so this loops a few times at most and cannot overflow.
  for (std::uint32_t step = config_.free_failures; step < failures && delay < cap; ++step) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace processhost::plugins::iam
