#include "store/timer_table.hpp"

#include <iterator>

namespace processhost::engine {

void TimerTable::arm(TimerRecord timer) {
  cancel(timer.id);
  by_due_.emplace(timer.due_at_ms, timer.id);
  auto id = timer.id;
  timers_.emplace(std::move(id), Armed{std::move(timer), 0});
}

void TimerTable::cancel(const std::string& timer_id) {
  const auto found = timers_.find(timer_id);
  if (found == timers_.end()) return;
  by_due_.erase({found->second.timer.due_at_ms, timer_id});
  timers_.erase(found);
}

void TimerTable::remove_if(const std::function<bool(const TimerRecord&)>& doomed) {
  for (auto entry = timers_.begin(); entry != timers_.end();) {
    if (doomed(entry->second.timer)) {
      by_due_.erase({entry->second.timer.due_at_ms, entry->first});
      entry = timers_.erase(entry);
    } else {
      ++entry;
    }
  }
}

std::vector<TimerRecord> TimerTable::due(std::int64_t until_ms, std::size_t max) const {
  std::vector<TimerRecord> found;
  for (auto entry = by_due_.begin(); entry != by_due_.end() && entry->first <= until_ms && found.size() < max;
       ++entry) {
    found.push_back(timers_.at(entry->second).timer);
  }
  return found;
}

std::optional<std::int64_t> TimerTable::next_due() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first;
}

TimerClaim TimerTable::claim(std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max) {
  TimerClaim claimed;
  auto entry = by_due_.begin();
  for (; entry != by_due_.end() && entry->first <= now_ms && claimed.timers.size() < max; ++entry) {
    auto& armed = timers_.at(entry->second);
    if (armed.lease_until_ms > now_ms) continue;  // another claim holds it
    armed.lease_until_ms = lease_until_ms;
    claimed.timers.push_back(armed.timer);
  }
  const auto later = by_due_.lower_bound({now_ms + 1, std::string()});
  if (later != by_due_.end()) claimed.next_due_ms = later->first;
  return claimed;
}

bool TimerTable::claim_tick(const CronTickClaim& claim) {
  return ticks_.emplace(claim.tick_ms, claim.process_model_id, claim.start_event_id).second;
}

std::size_t TimerTable::remove_ticks_before(std::int64_t ticked_before_ms) {
  const auto end = ticks_.lower_bound({ticked_before_ms, std::string(), std::string()});
  const auto count = static_cast<std::size_t>(std::distance(ticks_.begin(), end));
  ticks_.erase(ticks_.begin(), end);
  return count;
}

}  // namespace processhost::engine
