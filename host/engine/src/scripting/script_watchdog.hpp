#pragma once
// Watches running scripts from one thread of its own, so that a script's limits hold
// whatever the script does, native calls included: when a run's deadline passes the watchdog
// tells the run so, and while a run is armed it is asked at short intervals to look at its
// memory. Both only request an interrupt; the script's own thread acts on it at its next
// interrupt check (the JavaScript engine checks at loop heads, calls and inside long built-ins).
//
// Thread-safety: arm and disarm may be called from any thread; the WatchedRun callbacks are
// called on the watchdog's thread, under its lock, and never after disarm returned.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace processhost::engine {

class WatchedRun {
 public:
  virtual ~WatchedRun() = default;
  // The run's deadline passed. Called once per arming.
  virtual void deadline_passed() = 0;
  // Called about every ScriptWatchdog::kCheckInterval while the run is armed.
  virtual void check_in() = 0;

 private:
  friend class ScriptWatchdog;
  bool fired_ = false;  // guarded by the watchdog's lock: its deadline entry is gone
};

class ScriptWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = std::multimap<Clock::time_point, WatchedRun*>::iterator;

  // Memory growth between two check-ins goes unseen; allocation also triggers garbage
  // collections, after which memory is checked as well (see JsContext).
  static constexpr std::chrono::milliseconds kCheckInterval{10};

  // The process's watchdog, started on first use.
  static ScriptWatchdog& instance();

  // Returns the ticket to disarm with. `run` must stay alive until disarmed.
  Ticket arm(WatchedRun& run, Clock::time_point deadline);
  // After this returns, no callback for the run is running or will run.
  void disarm(WatchedRun& run, Ticket ticket);

 private:
  ScriptWatchdog();
  ~ScriptWatchdog();
  void watch();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::multimap<Clock::time_point, WatchedRun*> armed_;  // by deadline; fired entries are erased
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace processhost::engine
