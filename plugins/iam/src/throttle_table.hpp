#pragma once
// The state a login throttle keeps per key, with a cap on the number of keys: a flood of
// new usernames or addresses costs a bounded amount of memory.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace processhost::plugins::iam {

// State needs a member `last_seen` (the time of its key's latest attempt). Not
// thread-safe: the owner serialises calls.
template <typename State>
class ThrottleTable {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // True when forgetting the state would change no decision at now.
  using Expired = std::function<bool(const State& state, TimePoint now)>;

  ThrottleTable(std::size_t max_keys, Expired expired) : max_keys_(max_keys), expired_(std::move(expired)) {}

  // The live state of key, or nullptr (an expired one is dropped on the way).
  State* find(std::uint64_t key, TimePoint now) {
    auto found = states_.find(key);
    if (found == states_.end()) return nullptr;
    if (expired_(found->second, now)) {
      states_.erase(found);
      return nullptr;
    }
    return &found->second;
  }

  // The live state of key, or a new default one; makes room first when the table is full.
  State& find_or_add(std::uint64_t key, TimePoint now) {
    if (State* state = find(key, now)) return *state;
    if (states_.size() >= max_keys_) make_room(now);
    return states_[key];
  }

  void erase(std::uint64_t key) { states_.erase(key); }
  std::size_t size() const { return states_.size(); }

 private:
  void make_room(TimePoint now) {
    std::erase_if(states_, [&](const auto& entry) { return expired_(entry.second, now); });
    if (states_.size() < max_keys_ * 9 / 10) return;
    // Still crowded (an attack from many names or addresses at once): drop the least
    // recently seen tenth in one pass, so the cost is paid once per many inserts.
    std::vector<TimePoint> seen;
    seen.reserve(states_.size());
    for (const auto& entry : states_) seen.push_back(entry.second.last_seen);
    auto cut = seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 10);
    std::nth_element(seen.begin(), cut, seen.end());
    const TimePoint threshold = *cut;
    std::erase_if(states_, [&](const auto& entry) { return entry.second.last_seen < threshold; });
    if (states_.size() >= max_keys_) states_.erase(states_.begin());
  }

  const std::size_t max_keys_;
  Expired expired_;
  std::unordered_map<std::uint64_t, State> states_;
};

}  // namespace processhost::plugins::iam
