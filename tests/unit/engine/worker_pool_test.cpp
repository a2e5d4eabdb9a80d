// The engine's worker pool: work runs, and a worker held by a long run (a script) does not
// hold back queued work while extra threads are allowed; beyond the cap it does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
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

// One worker, held in a long run until the test lets it go: queued work gets an extra thread.
TEST(WorkerPool, QueuedWorkRunsWhileTheOnlyWorkerIsInALongRun) {
  WorkerPool pool(1, 4);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> in_long_run;
  pool.post([&, released] {
    const WorkerPool::LongRun long_run;
    in_long_run.set_value();
    released.wait();
  });
  in_long_run.get_future().wait();
  std::promise<void> other;
  pool.post([&] { other.set_value(); });
  EXPECT_EQ(other.get_future().wait_for(10s), std::future_status::ready) << "the other job waited for the long run";
  EXPECT_EQ(pool.thread_count(), 2u);
  release.set_value();
  pool.join();
}

// Without LongRun a busy worker is simply busy: no extra thread for ordinary work.
TEST(WorkerPool, BusyWorkersWithoutLongRunGetNoExtraThread) {
  WorkerPool pool(1, 4);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> started;
  pool.post([&, released] {
    started.set_value();
    released.wait();
  });
  started.get_future().wait();
  std::atomic<bool> ran{false};
  pool.post([&] { ran = true; });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(pool.thread_count(), 1u);
  release.set_value();
  pool.join();
  EXPECT_TRUE(ran.load());
}

// With the cap reached (one worker, one extra, both in long runs) queued work waits.
TEST(WorkerPool, BeyondTheCapQueuedWorkWaitsForALongRunToEnd) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> in_long_run{0};
  for (int i = 0; i < 2; ++i) {
    pool.post([&, released] {
      const WorkerPool::LongRun long_run;
      ++in_long_run;
      released.wait();
    });
  }
  for (int i = 0; i < 1000 && in_long_run.load() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(in_long_run.load(), 2);
  std::atomic<bool> ran{false};
  pool.post([&] { ran = true; });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(pool.thread_count(), 2u);
  release.set_value();
  pool.join();
  EXPECT_TRUE(ran.load());
}

TEST(WorkerPool, ExtraThreadsEndWhenIdle) {
  WorkerPool pool(1, 4);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> in_long_run;
  pool.post([&, released] {
    const WorkerPool::LongRun long_run;
    in_long_run.set_value();
    released.wait();
  });
  in_long_run.get_future().wait();
  std::promise<void> other;
  pool.post([&] { other.set_value(); });
  other.get_future().wait();
  release.set_value();
  std::size_t threads = pool.thread_count();
  for (int i = 0; i < 500 && threads > 1; ++i) {
    std::this_thread::sleep_for(10ms);
    threads = pool.thread_count();
  }
  EXPECT_EQ(threads, 1u);
  // The pool still works with its core thread alone.
  std::promise<void> after;
  pool.post([&] { after.set_value(); });
  EXPECT_EQ(after.get_future().wait_for(10s), std::future_status::ready);
  pool.join();
}

TEST(WorkerPool, LongRunOutsideAPoolDoesNothing) {
  const WorkerPool::LongRun long_run;
  WorkerPool pool(1, 4);
  EXPECT_EQ(pool.thread_count(), 1u);
}

}  // namespace
}  // namespace processhost::engine
