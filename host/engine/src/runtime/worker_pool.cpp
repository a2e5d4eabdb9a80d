#include "runtime/worker_pool.hpp"

#include <algorithm>
#include <chrono>

#include "processhost/free_memory.hpp"

namespace processhost::engine {
namespace {

// The pool the calling thread works for, so LongRun needs no argument deep in a transition.
thread_local WorkerPool* t_pool = nullptr;

// How long a thread waits for work before it gives its free memory back (and, if it is an
// extra thread, ends).
constexpr std::chrono::seconds kIdleTimeout{1};

}  // namespace

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_extra_threads)
    : threads_(std::max<std::size_t>(1, threads)), max_extra_threads_(max_extra_threads) {
  std::lock_guard lock(mutex_);
  workers_.reserve(threads_);
  for (std::size_t i = 0; i < threads_; ++i) {
    workers_.emplace_back([this] { run(false); });
    ++alive_;
  }
}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::post(std::function<void()> work) {
  std::unique_lock lock(mutex_);
  queue_.push_back(std::move(work));
  if (idle_ == 0) {
    grow_if_starved();
    return;
  }
  // Signalled after unlocking, so the woken thread does not block on the mutex at once.
  lock.unlock();
  wakeup_.notify_one();
}

void WorkerPool::join() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wakeup_.notify_all();
  // No thread is added once stopping_ is set, so workers_ no longer changes.
  for (auto& worker : workers_) {
    if (worker.joinable() && worker.get_id() != std::this_thread::get_id()) worker.join();
  }
  std::lock_guard lock(mutex_);
  workers_.clear();
  finished_.clear();
}

std::size_t WorkerPool::thread_count() const {
  std::lock_guard lock(mutex_);
  return alive_;
}

void WorkerPool::run(bool extra) {
  t_pool = this;
  bool worked_since_release = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!queue_.empty()) {
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      work();
      work = nullptr;  // destroyed before the lock is taken again
      worked_since_release = true;
      lock.lock();
      continue;
    }
    if (stopping_) break;
    ++idle_;
    const auto has_work = [this] { return !queue_.empty() || stopping_; };
    bool woken = true;
    if (extra || worked_since_release) {
      woken = wakeup_.wait_for(lock, kIdleTimeout, has_work);
    } else {
      wakeup_.wait(lock, has_work);
    }
    --idle_;
    if (woken) continue;
    // A second without work: what this thread freed goes back to the system.
    lock.unlock();
    release_free_memory();
    worked_since_release = false;
    lock.lock();
    if (extra && queue_.empty()) break;
  }
  --alive_;
  if (!stopping_) finished_.push_back(std::this_thread::get_id());
}

void WorkerPool::grow_if_starved() {
  if (stopping_ || queue_.empty() || idle_ > 0) return;
  if (alive_ - blocked_ >= threads_ || alive_ >= threads_ + max_extra_threads_) return;
  reap_finished();
  workers_.emplace_back([this] { run(true); });
  ++alive_;
}

void WorkerPool::reap_finished() {
  for (const auto id : finished_) {
    auto worker = std::find_if(workers_.begin(), workers_.end(), [id](const std::thread& t) { return t.get_id() == id; });
    if (worker == workers_.end()) continue;
    // It has left run() already or is about to; it takes no lock on its way out.
    worker->join();
    workers_.erase(worker);
  }
  finished_.clear();
}

WorkerPool::LongRun::LongRun() : pool_(t_pool) {
  if (!pool_) return;
  std::lock_guard lock(pool_->mutex_);
  ++pool_->blocked_;
  pool_->grow_if_starved();
}

WorkerPool::LongRun::~LongRun() {
  if (!pool_) return;
  std::lock_guard lock(pool_->mutex_);
  --pool_->blocked_;
}

}  // namespace processhost::engine
