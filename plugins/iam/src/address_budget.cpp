#include "address_budget.hpp"

#include <algorithm>

namespace processhost::plugins::iam {

AddressBudget::AddressBudget(AddressBudgetConfig config, std::size_t max_keys)
    : window_(config.window),
      interval_(std::chrono::duration_cast<Duration>(config.window) / std::max<std::uint32_t>(config.max_failures, 1)),
      states_(max_keys, [](const State& state, TimePoint now) { return state.full_at <= now; }) {}

AddressBudget::Duration AddressBudget::wait(std::uint64_t address, TimePoint now) {
  const State* state = states_.find(address, now);
  if (state == nullptr) return Duration::zero();
  // One more failure would move full_at to full_at + interval; it fits while that stays
  // within one window from now.
  return std::max(Duration::zero(), state->full_at + interval_ - window_ - now);
}

void AddressBudget::spend(std::uint64_t address, TimePoint now) {
  State& state = states_.find_or_add(address, now);
  state.full_at = std::max(state.full_at, now) + interval_;
  state.last_seen = now;
}

void AddressBudget::refund(std::uint64_t address, TimePoint now) {
  if (State* state = states_.find(address, now)) state->full_at -= interval_;
}

}  // namespace processhost::plugins::iam
