#pragma once
// The memory store's timers and cron tick claims, indexed by due time so that the scheduler's
// periodic claim is a lookup of the earliest entries, not a pass over every armed timer.
// Claims and leases follow the Store contract (processhost/services/store.hpp), so the engine
// runs the same code on one host as on several.
//
// Not thread-safe: MemoryStore calls it under its lock.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::engine {

class TimerTable {
 public:
  void arm(TimerRecord timer);  // replaces a timer of the same id (and its lease)
  void cancel(const std::string& timer_id);
  void remove_if(const std::function<bool(const TimerRecord&)>& doomed);

  std::vector<TimerRecord> due(std::int64_t until_ms, std::size_t max) const;
  std::optional<std::int64_t> next_due() const;
  TimerClaim claim(std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max);

  bool claim_tick(const CronTickClaim& claim);
  std::size_t remove_ticks_before(std::int64_t ticked_before_ms);

 private:
  struct Armed {
    TimerRecord timer;
    std::int64_t lease_until_ms = 0;  // 0: never claimed
  };
  std::map<std::string, Armed> timers_;                         // by id
  std::set<std::pair<std::int64_t, std::string>> by_due_;       // (due, id)
  std::set<std::tuple<std::int64_t, std::string, std::string>> ticks_;  // (tick, model, start event)
};

}  // namespace processhost::engine
