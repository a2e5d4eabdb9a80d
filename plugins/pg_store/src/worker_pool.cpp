#include "worker_pool.hpp"

#include <utility>

namespace processhost::plugins::pg_store {

WorkerPool::WorkerPool(std::string conninfo, std::size_t threads, std::size_t max_queued)
    : conninfo_(std::move(conninfo)), thread_count_(threads == 0 ? 1 : threads), max_queued_(max_queued) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  for (std::size_t i = 0; i < thread_count_; ++i) threads_.emplace_back([this, i] { run_worker(i); });
}

void WorkerPool::stop() noexcept {
  std::deque<PoolJob> abandoned;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    abandoned.swap(queue_);
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
  for (auto& job : abandoned) {
    try {
      job.fail(make_error(ErrorStatus::unavailable, "store unavailable: the store is stopping"));
    } catch (...) {
      // A callback that throws must not stop the others from being told.
    }
  }
}

void WorkerPool::post(PoolJob job) {
  std::string refusal;
  {
    std::lock_guard lock(mutex_);
    if (!running_) {
      refusal = "store unavailable: the store is not running";
    } else if (queue_.size() >= max_queued_) {
      refusal = "store unavailable: " + std::to_string(queue_.size()) + " requests already wait for a connection";
    } else {
      queue_.push_back(std::move(job));
    }
  }
  if (refusal.empty()) {
    wake_.notify_one();
    return;
  }
  job.fail(make_error(ErrorStatus::unavailable, refusal));
}

void WorkerPool::run_worker(std::size_t) {
  PgSession session(conninfo_, epoch_);
  for (;;) {
    PoolJob job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !running_ || !queue_.empty(); });
      if (!running_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.run(session);
  }
}

}  // namespace processhost::plugins::pg_store
