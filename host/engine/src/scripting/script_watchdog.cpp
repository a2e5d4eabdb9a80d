#include "scripting/script_watchdog.hpp"

namespace processhost::engine {

ScriptWatchdog& ScriptWatchdog::instance() {
  static ScriptWatchdog watchdog;
  return watchdog;
}

ScriptWatchdog::ScriptWatchdog() : thread_([this] { watch(); }) {}

ScriptWatchdog::~ScriptWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_one();
  thread_.join();
}

ScriptWatchdog::Ticket ScriptWatchdog::arm(WatchedRun& run, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  const bool was_idle = armed_.empty();
  run.fired_ = false;
  auto ticket = armed_.emplace(deadline, &run);
  // An idle watchdog sleeps without a timeout; a busy one wakes for check-ins anyway, unless
  // this deadline comes before its next wake-up.
  if (was_idle || ticket == armed_.begin()) wakeup_.notify_one();
  return ticket;
}

void ScriptWatchdog::disarm(WatchedRun& run, Ticket ticket) {
  std::lock_guard lock(mutex_);
  if (!run.fired_) armed_.erase(ticket);
}

void ScriptWatchdog::watch() {
  std::unique_lock lock(mutex_);
  auto next_check_in = Clock::now() + kCheckInterval;
  while (!stopping_) {
    if (armed_.empty()) {
      wakeup_.wait(lock);
      next_check_in = Clock::now() + kCheckInterval;
      continue;
    }
    const auto now = Clock::now();
    while (!armed_.empty() && armed_.begin()->first <= now) {
      armed_.begin()->second->fired_ = true;
      armed_.begin()->second->deadline_passed();
      armed_.erase(armed_.begin());
    }
    if (now >= next_check_in) {
      for (auto& [deadline, run] : armed_) run->check_in();
      next_check_in = now + kCheckInterval;
    }
    auto wake_at = next_check_in;
    if (!armed_.empty() && armed_.begin()->first < wake_at) wake_at = armed_.begin()->first;
    wakeup_.wait_until(lock, wake_at);
  }
}

}  // namespace processhost::engine
