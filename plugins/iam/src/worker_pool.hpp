#pragma once
// A small pool of threads with a bounded queue, for the slow part of a login (Argon2id),
// which must not run on the host's I/O threads.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace processhost::plugins::iam {

// Thread-safe. Lives as long as its owner; threads run only between start() and stop().
class WorkerPool {
 public:
  // A job learns whether it runs (false) or is dropped at stop (true): a dropped job
  // should only answer quickly (e.g. 503), never do the work.
  using Job = std::function<void(bool dropped)>;

  explicit WorkerPool(std::size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Control plane: starts threads. Throws std::logic_error when already started.
  void start(std::size_t threads);
  // Refuses new jobs, calls every queued job with dropped = true, waits for running jobs
  // and joins the threads. Idempotent.
  void stop() noexcept;
  // False when the pool is not running or the queue is full; the job is then not kept.
  bool post(Job job);

 private:
  void run();

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool running_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace processhost::plugins::iam
