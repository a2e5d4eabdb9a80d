#include "worker_pool.hpp"

#include <utility>

namespace processhost::plugins::pg_store {

WorkerPool::WorkerPool(std::string conninfo, std::size_t threads, std::size_t max_queued, std::size_t max_batch,
                       std::size_t max_batch_workers, BatchRunner batch_runner)
    : conninfo_(std::move(conninfo)),
      thread_count_(threads == 0 ? 1 : threads),
      max_queued_(max_queued),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      max_batch_workers_(max_batch_workers == 0 ? 1 : max_batch_workers),
      batch_runner_(std::move(batch_runner)) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  for (std::size_t i = 0; i < thread_count_; ++i) threads_.emplace_back([this, i] { run_worker(i); });
}

void WorkerPool::stop() noexcept {
  std::deque<PoolJob> abandoned;
  std::deque<BatchJob> abandoned_batch_jobs;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    abandoned.swap(queue_);
    abandoned_batch_jobs.swap(batch_queue_);
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
  const auto stopping = make_error(ErrorStatus::unavailable, "store unavailable: the store is stopping");
  for (auto& job : abandoned) {
    try {
      job.fail(stopping);
    } catch (...) {
      // A callback that throws must not stop the others from being told.
    }
  }
  for (auto& job : abandoned_batch_jobs) {
    try {
      job.complete(stopping);
    } catch (...) {
      // As above.
    }
  }
}

std::string WorkerPool::refusal_locked() const {
  if (!running_) return "store unavailable: the store is not running";
  const std::size_t waiting = queue_.size() + batch_queue_.size();
  if (waiting >= max_queued_) {
    return "store unavailable: " + std::to_string(waiting) + " requests already wait for a connection";
  }
  return {};
}

void WorkerPool::post_batch_job(BatchJob job) {
  std::string refusal;
  {
    std::lock_guard lock(mutex_);
    refusal = refusal_locked();
    if (refusal.empty()) batch_queue_.push_back(std::move(job));
  }
  if (refusal.empty()) {
    wake_.notify_one();
    return;
  }
  job.complete(make_error(ErrorStatus::unavailable, refusal));
}

void WorkerPool::post(PoolJob job) {
  std::string refusal;
  {
    std::lock_guard lock(mutex_);
    refusal = refusal_locked();
    if (refusal.empty()) queue_.push_back(std::move(job));
  }
  if (refusal.empty()) {
    wake_.notify_one();
    return;
  }
  job.fail(make_error(ErrorStatus::unavailable, refusal));
}

void WorkerPool::run_worker(std::size_t) {
  PgSession session(conninfo_, epoch_);
  bool batch_turn = true;
  for (;;) {
    PoolJob job;
    std::vector<BatchJob> batch;
    {
      std::unique_lock lock(mutex_);
      const auto batch_ready = [this] { return !batch_queue_.empty() && batch_workers_ < max_batch_workers_; };
      wake_.wait(lock, [&] { return !running_ || !queue_.empty() || batch_ready(); });
      if (!running_) return;
      // Alternate, so that neither commits nor reads starve the other.
      const bool take_batch = batch_ready() && (batch_turn || queue_.empty());
      batch_turn = !take_batch;
      if (take_batch) {
        ++batch_workers_;
        while (!batch_queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(batch_queue_.front()));
          batch_queue_.pop_front();
        }
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (batch.empty()) {
      job.run(session);
      continue;
    }
    batch_runner_(session, batch);
    bool more_batches = false;
    {
      std::lock_guard lock(mutex_);
      --batch_workers_;
      more_batches = !batch_queue_.empty();
    }
    // A worker may be waiting for this one's slot.
    if (more_batches) wake_.notify_one();
  }
}

}  // namespace processhost::plugins::pg_store
