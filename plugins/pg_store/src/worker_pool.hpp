#pragma once
// The blocking side of pg_store: a fixed set of threads, one database connection each,
// taking jobs from one queue. Sized like the connection pool, so a job never waits for a
// connection once it has a thread, and the callers' (I/O, engine) threads never block.
//
// Threading: post() is safe from any thread. start() and stop() are control plane, called
// from one thread. Jobs run on a worker thread; a job still queued at stop() is not run:
// its fail() gets a 503 instead. Jobs posted after stop() or beyond the queue bound fail
// the same way, on the posting thread.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pg_session.hpp"
#include "processhost/result.hpp"

namespace processhost::plugins::pg_store {

struct PoolJob {
  std::function<void(PgSession&)> run;
  std::function<void(Error)> fail;
};

class WorkerPool {
 public:
  WorkerPool(std::string conninfo, std::size_t threads, std::size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Finishes the jobs that are running, fails the queued ones, joins the threads and
  // closes the connections.
  void stop() noexcept;
  void post(PoolJob job);
  // Makes every connection of the pool reconnect before its next use.
  void invalidate_connections() { epoch_.fetch_add(1); }

 private:
  void run_worker(std::size_t index);

  std::string conninfo_;
  std::size_t thread_count_;
  std::size_t max_queued_;
  std::atomic<std::uint64_t> epoch_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PoolJob> queue_;
  bool running_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace processhost::plugins::pg_store
