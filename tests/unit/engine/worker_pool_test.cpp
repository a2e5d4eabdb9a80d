// The engine's worker pool: work runs, and a worker held by a long run (a script) does not
// hold back queued work while extra threads are allowed; beyond the cap it does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "runtime/worker_pool.hpp"

namespace processhost::engine {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, RunsEveryPostedJobBeforeJoinReturns) {
  std::atomic<int> ran{0};
  WorkerPool pool(2, 4);
  for (int i = 0; i < 1000; ++i) pool.post([&] { ++ran; });
  pool.join();
  EXPECT_EQ(ran.load(), 1000);
}

TEST(WorkerPool, WorkPostedByRunningWorkDuringJoinStillRuns) {
  std::atomic<int> ran{0};
  WorkerPool pool(1, 0);
  std::promise<void> entered;
  pool.post([&] {
    entered.set_value();
    std::this_thread::sleep_for(50ms);
    pool.post([&] { ++ran; });
  });
  entered.get_future().wait();
  pool.join();
  EXPECT_EQ(ran.load(), 1);
}

// Posts jobs that hold their worker (in a long run or plainly busy) until release().
class Holder {
 public:
  Holder(WorkerPool& pool, int jobs, bool long_run) : released_(release_.get_future().share()) {
    for (int i = 0; i < jobs; ++i) {
      pool.post([this, long_run, released = released_] {
        std::optional<WorkerPool::LongRun> scope;
        if (long_run) scope.emplace();
        ++holding_;
        released.wait();
      });
    }
    for (int i = 0; i < 1000 && holding_.load() < jobs; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(holding_.load(), jobs);
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::atomic<int> holding_{0};
};

// True when a job posted now has run within timeout.
bool runs_within(WorkerPool& pool, std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto ran = done->get_future();
  pool.post([done] { done->set_value(); });
  return ran.wait_for(timeout) == std::future_status::ready;
}

// One worker, held in a long run until the test lets it go: queued work gets an extra thread.
TEST(WorkerPool, QueuedWorkRunsWhileTheOnlyWorkerIsInALongRun) {
  WorkerPool pool(1, 4);
  Holder holder(pool, 1, true);
  EXPECT_TRUE(runs_within(pool, 10s)) << "the other job waited for the long run";
  EXPECT_EQ(pool.thread_count(), 2u);
  holder.release();
  pool.join();
}

// Without LongRun a busy worker is simply busy: no extra thread for ordinary work.
TEST(WorkerPool, BusyWorkersWithoutLongRunGetNoExtraThread) {
  WorkerPool pool(1, 4);
  Holder holder(pool, 1, false);
  EXPECT_FALSE(runs_within(pool, 100ms));
  EXPECT_EQ(pool.thread_count(), 1u);
  holder.release();
  pool.join();
}

// With the cap reached (one worker, one extra, both in long runs) queued work waits.
TEST(WorkerPool, BeyondTheCapQueuedWorkWaitsForALongRunToEnd) {
  WorkerPool pool(1, 1);
  Holder holder(pool, 2, true);
  EXPECT_FALSE(runs_within(pool, 100ms));
  EXPECT_EQ(pool.thread_count(), 2u);
  holder.release();
  pool.join();
}

TEST(WorkerPool, ExtraThreadsEndWhenIdle) {
  WorkerPool pool(1, 4);
  Holder holder(pool, 1, true);
  ASSERT_TRUE(runs_within(pool, 10s));
  holder.release();
  std::size_t threads = pool.thread_count();
  for (int i = 0; i < 500 && threads > 1; ++i) {
    std::this_thread::sleep_for(10ms);
    threads = pool.thread_count();
  }
  EXPECT_EQ(threads, 1u);
  // The pool still works with its core thread alone.
  EXPECT_TRUE(runs_within(pool, 10s));
  pool.join();
}

TEST(WorkerPool, LongRunOutsideAPoolDoesNothing) {
  const WorkerPool::LongRun long_run;
  WorkerPool pool(1, 4);
  EXPECT_EQ(pool.thread_count(), 1u);
}

}  // namespace
}  // namespace processhost::engine
