#pragma once
// The blocking side of pg_store: a fixed set of threads, one database connection each,
// taking jobs from one queue. Sized like the connection pool, so a job never waits for a
// connection once it has a thread, and the callers' (I/O, engine) threads never block.
//
// Threading: post() is safe from any thread. start() and stop() are control plane, called
// from one thread. Jobs run on a worker thread; a job still queued at stop() is not run:
// its fail() gets a 503 instead. Jobs posted after stop() or beyond the queue bound fail
// the same way, on the posting thread.
//
// Commits are batch jobs: when commits queue up (every connection is busy, typically
// waiting for its WAL flush), the next free worker takes them all and runs them in one
// transaction, so one disk flush serves many transitions.

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
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

struct PoolJob {
  std::function<void(PgSession&)> run;
  std::function<void(Error)> fail;
};

// A job that may share one transaction with other batch jobs (a commit): one statement,
// prepared per shape; outcome() reads its result; complete() reports the outcome once the
// transaction holding the statement has committed (or the job failed).
struct BatchJob {
  BuiltQuery statement;
  std::function<Status(const pqxx::result&)> outcome;
  std::function<void(Status)> complete;
};

// Runs the batch jobs a worker took from the queue together, and completes each of them.
using BatchRunner = std::function<void(PgSession&, std::vector<BatchJob>&)>;

class WorkerPool {
 public:
  // A worker that finds batch jobs queued takes up to max_batch of them at once and hands
  // them to batch_runner; workers alternate between batch jobs and other jobs. At most
  // max_batch_workers workers run batch jobs at a time: commits that arrive meanwhile
  // queue and go together in the next group instead of each taking a connection (fewer,
  // larger transactions; the other connections stay free for reads).
  WorkerPool(std::string conninfo, std::size_t threads, std::size_t max_queued, std::size_t max_batch,
             std::size_t max_batch_workers, BatchRunner batch_runner);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Finishes the jobs that are running, fails the queued ones, joins the threads and
  // closes the connections.
  void stop() noexcept;
  void post(PoolJob job);
  void post_batch_job(BatchJob job);
  // Makes every connection of the pool reconnect before its next use.
  void invalidate_connections() { epoch_.fetch_add(1); }

 private:
  // Why a new job is refused (stopped, queue full), or empty when it is accepted. Needs mutex_.
  std::string refusal_locked() const;
  void run_worker(std::size_t index);

  std::string conninfo_;
  std::size_t thread_count_;
  std::size_t max_queued_;
  std::size_t max_batch_;
  std::size_t max_batch_workers_;
  std::size_t batch_workers_ = 0;  // workers running batch jobs; guarded by mutex_
  BatchRunner batch_runner_;
  std::atomic<std::uint64_t> epoch_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PoolJob> queue_;
  std::deque<BatchJob> batch_queue_;
  bool running_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace processhost::plugins::pg_store
