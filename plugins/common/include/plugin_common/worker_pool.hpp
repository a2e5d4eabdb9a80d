#pragma once
// A fixed set of threads taking jobs from one bounded queue, for the blocking or slow work of
// a plugin (a database call, a password hash), which must not run on the host's I/O or
// engine threads. iam and pg_store use it.
//
// Threading: post() and post_batch() are safe from any thread; start() and stop() are
// control plane, called from one thread. A job runs on a worker thread with that worker's
// Context: per-thread state made on the worker thread as it starts (pg_store: its database
// connection). A job that is refused (pool not running, queue full) or still queued at
// stop() never runs: its drop runs instead, told why, on the posting thread or the stopping
// thread, and should only answer quickly (e.g. 503).
//
// Batch jobs (pg_store's commits): a worker that finds batch jobs queued takes up to
// max_batch of them at once and hands them to the batch runner; workers alternate between
// batch jobs and other jobs, so neither starves the other. At most max_batch_workers
// workers run batch jobs at a time: batch jobs that arrive meanwhile queue and go together
// in the next group.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace processhost::plugins {

struct NoWorkerContext {};
struct NoBatchJob {};

// Why a job did not run. waiting: the jobs (of both kinds) queued when it was refused.
struct JobDropped {
  enum class Reason { stopping, not_running, queue_full } reason = Reason::stopping;
  std::size_t waiting = 0;
};

template <class Context = NoWorkerContext, class BatchJob = NoBatchJob>
class WorkerPool {
 public:
  struct Job {
    std::function<void(Context&)> run;
    std::function<void(const JobDropped&)> drop;
  };
  struct Options {
    std::size_t threads = 1;
    std::size_t max_queued = 0;  // jobs and batch jobs waiting, together
    std::size_t max_batch = 1;
    std::size_t max_batch_workers = 1;
    // Called once on each worker thread before its first job; null: a default Context.
    std::function<std::unique_ptr<Context>()> make_context = nullptr;
    std::function<void(Context&, std::vector<BatchJob>&)> run_batch = nullptr;  // needed for post_batch
    std::function<void(BatchJob&, const JobDropped&)> drop_batch_job = nullptr;
  };

  // Throws std::logic_error when Context has no default and make_context is null.
  explicit WorkerPool(Options options) : options_(std::move(options)) {
    if constexpr (std::is_default_constructible_v<Context>) {
      if (!options_.make_context) options_.make_context = [] { return std::make_unique<Context>(); };
    }
    if (!options_.make_context) throw std::logic_error("worker pool: make_context is needed for this context");
    options_.threads = std::max<std::size_t>(options_.threads, 1);
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    options_.max_batch_workers = std::max<std::size_t>(options_.max_batch_workers, 1);
  }
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the threads. Throws std::logic_error when already started.
  void start() {
    std::lock_guard lock(mutex_);
    if (running_ || !threads_.empty()) throw std::logic_error("worker pool already started");
    running_ = true;
    for (std::size_t i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { run_worker(); });
  }

  // Refuses new jobs, drops every queued job at once, then waits for the running jobs and
  // joins the threads. Idempotent.
  void stop() noexcept {
    std::deque<Job> dropped;
    std::deque<BatchJob> dropped_batch_jobs;
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      running_ = false;
      dropped.swap(queue_);
      dropped_batch_jobs.swap(batch_queue_);
      threads.swap(threads_);
    }
    wake_.notify_all();
    const JobDropped stopping{JobDropped::Reason::stopping, 0};
    for (auto& job : dropped) {
      try {
        job.drop(stopping);
      } catch (...) {
        // A drop that throws must not keep the others from being told.
      }
    }
    for (auto& job : dropped_batch_jobs) {
      try {
        options_.drop_batch_job(job, stopping);
      } catch (...) {
        // As above.
      }
    }
    for (auto& thread : threads) thread.join();
  }

  // How busy the pool is now (for metrics): its threads, those running a job or a batch,
  // and the jobs of both kinds waiting.
  struct Usage {
    std::size_t threads = 0;
    std::size_t busy = 0;
    std::size_t queued = 0;
  };
  Usage usage() const {
    std::lock_guard lock(mutex_);
    return {threads_.size(), busy_.load(std::memory_order_relaxed), queue_.size() + batch_queue_.size()};
  }

  // False when the job was refused; its drop has then run, on this thread.
  bool post(Job job) {
    const auto refusal = enqueue(queue_, job);
    if (!refusal) return true;
    job.drop(*refusal);
    return false;
  }
  bool post_batch(BatchJob job) {
    const auto refusal = enqueue(batch_queue_, job);
    if (!refusal) return true;
    options_.drop_batch_job(job, *refusal);
    return false;
  }

 private:
  template <class Queue, class Item>
  std::optional<JobDropped> enqueue(Queue& queue, Item& item) {
    {
      std::lock_guard lock(mutex_);
      const std::size_t waiting = queue_.size() + batch_queue_.size();
      if (!running_) return JobDropped{JobDropped::Reason::not_running, waiting};
      if (waiting >= options_.max_queued) {
        return JobDropped{JobDropped::Reason::queue_full, waiting};
      }
      queue.push_back(std::move(item));
    }
    wake_.notify_one();
    return std::nullopt;
  }

  void run_worker() {
    auto context = options_.make_context();
    bool batch_turn = true;
    for (;;) {
      Job job;
      std::vector<BatchJob> batch;
      {
        std::unique_lock lock(mutex_);
        const auto batch_ready = [this] {
          return !batch_queue_.empty() && batch_workers_ < options_.max_batch_workers;
        };
        wake_.wait(lock, [&] { return !running_ || !queue_.empty() || batch_ready(); });
        if (!running_) return;
        // Alternate, so that neither batch jobs nor other jobs starve the other.
        const bool take_batch = batch_ready() && (batch_turn || queue_.empty());
        batch_turn = !take_batch;
        if (take_batch) {
          ++batch_workers_;
          while (!batch_queue_.empty() && batch.size() < options_.max_batch) {
            batch.push_back(std::move(batch_queue_.front()));
            batch_queue_.pop_front();
          }
        } else {
          job = std::move(queue_.front());
          queue_.pop_front();
        }
      }
      busy_.fetch_add(1, std::memory_order_relaxed);
      if (batch.empty()) {
        run_guarded([&] { job.run(*context); });
        busy_.fetch_sub(1, std::memory_order_relaxed);
        continue;
      }
      run_guarded([&] { options_.run_batch(*context, batch); });
      busy_.fetch_sub(1, std::memory_order_relaxed);
      bool more_batches = false;
      {
        std::lock_guard lock(mutex_);
        --batch_workers_;
        more_batches = !batch_queue_.empty();
      }
      // A worker may be waiting for this one's batch slot.
      if (more_batches) wake_.notify_one();
    }
  }

  template <class Work>
  static void run_guarded(Work&& work) {
    try {
      work();
    } catch (...) {
      // A job answers its own errors; one that escapes must not end the process.
    }
  }

  Options options_;
  mutable std::mutex mutex_;
  std::atomic<std::size_t> busy_{0};  // workers running a job or a batch
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::deque<BatchJob> batch_queue_;
  std::size_t batch_workers_ = 0;  // workers running batch jobs
  bool running_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace processhost::plugins
