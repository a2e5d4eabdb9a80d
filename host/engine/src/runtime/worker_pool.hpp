#pragma once
// The engine's threads: transitions, service calls and everything else the engine posts run
// here. A script may run for its whole budget (a second by default), so a worker that enters
// one tells the pool (LongRun); while such workers leave fewer than `threads` free, queued
// work gets an extra thread, up to `max_extra_threads`. A runaway script then costs its own
// instance its budget, not every other instance a place in the queue, and the kernel shares
// the CPU between the script and the rest. Extra threads end after an idle second; every
// thread gives its free memory back after an idle second (processhost/free_memory.hpp).
// boost::asio::thread_pool has a fixed size, hence this small pool of our own.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace processhost::engine {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t max_extra_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Thread-safe. Work runs in posting order as threads become free.
  void post(std::function<void()> work);
  // Runs what is queued, then ends every thread. Posting after join() drops the work.
  void join();

  // While alive, the calling pool worker counts as blocked. On any other thread it does nothing.
  class LongRun {
   public:
    LongRun();
    ~LongRun();
    LongRun(const LongRun&) = delete;
    LongRun& operator=(const LongRun&) = delete;

   private:
    WorkerPool* pool_;
  };

  // For tests and the log: threads alive now, extra ones included.
  std::size_t thread_count() const;

 private:
  void run(bool extra);
  // Under mutex_: starts an extra thread when work waits, no thread is idle and blocked
  // workers leave fewer than threads_ free.
  void grow_if_starved();
  void reap_finished();

  const std::size_t threads_;
  const std::size_t max_extra_threads_;
  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
  std::vector<std::thread::id> finished_;  // extra threads that ended, to be joined
  std::size_t alive_ = 0;
  std::size_t idle_ = 0;
  std::size_t blocked_ = 0;
  bool stopping_ = false;
};

}  // namespace processhost::engine
