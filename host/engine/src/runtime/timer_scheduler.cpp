#include "runtime/timer_scheduler.hpp"

#include <chrono>

namespace processhost::engine {

TimerScheduler::TimerScheduler(Post post, Clock now, std::function<void()> scan, std::int64_t poll_interval_ms)
    : post_(std::move(post)), now_(std::move(now)), scan_(std::move(scan)), poll_interval_ms_(poll_interval_ms) {}

TimerScheduler::~TimerScheduler() { stop(); }

void TimerScheduler::start() {
  {
    std::lock_guard lock(mutex_);
    running_ = true;
    next_store_due_ = now_();  // whatever fell due while the host was down fires now
  }
  thread_ = std::thread([this] { loop(); });
}

void TimerScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    scheduled_.clear();
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerScheduler::note_store_due(std::int64_t due_ms) {
  {
    std::lock_guard lock(mutex_);
    if (next_store_due_ && *next_store_due_ <= due_ms) return;
    next_store_due_ = due_ms;
  }
  wakeup_.notify_all();
}

void TimerScheduler::scan_done(std::optional<std::int64_t> next_due) {
  {
    std::lock_guard lock(mutex_);
    scanning_ = false;
    if (poll_interval_ms_ > 0) {
      const std::int64_t poll = now_() + poll_interval_ms_;
      if (!next_due || poll < *next_due) next_due = poll;
    }
    if (next_due && (!next_store_due_ || *next_due < *next_store_due_)) next_store_due_ = next_due;
  }
  wakeup_.notify_all();
}

void TimerScheduler::schedule(std::int64_t due_ms, std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    // Before start (cron schedules of stored models) work waits for the thread; after stop
    // nothing is taken.
    if (!running_ && thread_.joinable()) return;
    scheduled_.emplace(due_ms, std::move(work));
  }
  wakeup_.notify_all();
}

bool TimerScheduler::begin_fire(const std::string& timer_id) {
  std::lock_guard lock(mutex_);
  return in_flight_.insert(timer_id).second;
}

void TimerScheduler::end_fire(const std::string& timer_id) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(timer_id);
}

std::uint64_t TimerScheduler::next_cron_generation(const std::string& model_id) {
  std::lock_guard lock(mutex_);
  return ++cron_generation_[model_id];
}

bool TimerScheduler::is_current_cron(const std::string& model_id, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  return cron_generation_[model_id] == generation;
}

void TimerScheduler::loop() {
  std::unique_lock lock(mutex_);
  while (running_) {
    const std::int64_t now = now_();
    while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
      post_(std::move(scheduled_.begin()->second));
      scheduled_.erase(scheduled_.begin());
    }
    if (!scanning_ && next_store_due_ && *next_store_due_ <= now) {
      scanning_ = true;
      next_store_due_.reset();
      lock.unlock();
      scan_();
      lock.lock();
      continue;
    }
    std::optional<std::int64_t> wake;
    if (!scanning_ && next_store_due_) wake = next_store_due_;
    if (!scheduled_.empty() && (!wake || scheduled_.begin()->first < *wake)) wake = scheduled_.begin()->first;
    if (!wake) {
      wakeup_.wait(lock);
    } else {
      wakeup_.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::milliseconds(*wake)));
    }
  }
}

}  // namespace processhost::engine
