#include "worker_pool.hpp"

#include <stdexcept>

namespace processhost::plugins::iam {

WorkerPool::WorkerPool(std::size_t max_queued) : max_queued_(max_queued) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start(std::size_t threads) {
  std::lock_guard lock(mutex_);
  if (running_ || !threads_.empty()) throw std::logic_error("worker pool already started");
  running_ = true;
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

void WorkerPool::stop() noexcept {
  std::deque<Job> dropped;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    dropped.swap(queue_);
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& job : dropped) job(true);
  for (auto& thread : threads) thread.join();
}

bool WorkerPool::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!running_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !running_ || !queue_.empty(); });
      if (!running_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job(false);
    } catch (...) {
      // A job answers its own errors; one that escapes must not end the process.
    }
  }
}

}  // namespace processhost::plugins::iam
