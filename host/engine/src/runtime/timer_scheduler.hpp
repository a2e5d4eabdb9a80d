#pragma once
// One thread that waits for the earliest due time and hands due work to the workers. Two
// kinds of work: in-memory jobs at a time (send task retries, cron starts, long-poll
// deadlines; lost on restart by design), and the store's timers, of which only the earliest
// due time is kept here: when it passes, scan (given by the engine) claims what is due from
// the store and reports back through scan_done. With a poll interval, a scan also runs at
// least that often, so that timers other hosts armed (and nobody told this one about) fire
// too. Also keeps which store timers are being fired and which cron schedule of a model is
// current.
//
// Threading: every member but start/stop is safe from any thread; work and scan never run
// under the scheduler's lock.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace processhost::engine {

class TimerScheduler {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

  // scan runs on the timer thread and must end with one scan_done call (from any thread).
  // poll_interval_ms > 0: the next scan starts at most that long after the last one ended.
  TimerScheduler(Post post, Clock now, std::function<void()> scan, std::int64_t poll_interval_ms = 0);
  ~TimerScheduler();
  TimerScheduler(const TimerScheduler&) = delete;
  TimerScheduler& operator=(const TimerScheduler&) = delete;

  // Starts the thread; whatever fell due while the host was down is scanned at once.
  void start();
  // Stops and joins the thread; scheduled work is dropped.
  void stop();

  // A store timer is due at due_ms (armed by a commit, this host's or, told by a hint,
  // another's): scan no later than then.
  void note_store_due(std::int64_t due_ms);
  // The scan ended; next_due: when to scan again (nullopt: when a commit says so, or at the
  // next poll).
  void scan_done(std::optional<std::int64_t> next_due);
  void schedule(std::int64_t due_ms, std::function<void()> work);

  // Each due store timer fires once at a time: false when timer_id is already being fired.
  bool begin_fire(const std::string& timer_id);
  void end_fire(const std::string& timer_id);

  // Cron schedules: a new version of a model starts a new generation; older ones stop.
  std::uint64_t next_cron_generation(const std::string& model_id);
  bool is_current_cron(const std::string& model_id, std::uint64_t generation);

 private:
  void loop();

  const Post post_;
  const Clock now_;
  const std::function<void()> scan_;
  const std::int64_t poll_interval_ms_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool running_ = false;
  bool scanning_ = false;
  std::optional<std::int64_t> next_store_due_;
  std::multimap<std::int64_t, std::function<void()>> scheduled_;
  std::set<std::string> in_flight_;
  std::map<std::string, std::uint64_t> cron_generation_;  // model id -> current schedule
};

}  // namespace processhost::engine
