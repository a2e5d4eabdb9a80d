#include "plugin_common/worker_pool.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace processhost::plugins {
namespace {

using Reason = JobDropped::Reason;

WorkerPool<>::Job counting_job(std::atomic<int>& ran, std::vector<Reason>& dropped) {
  return {.run = [&ran](NoWorkerContext&) { ++ran; }, .drop = [&dropped](const JobDropped& why) {
            dropped.push_back(why.reason);
          }};
}

// Holds a pool's worker until release(), so that the jobs posted meanwhile queue.
class Blocker {
 public:
  template <class Pool>
  void occupy(Pool& pool) {
    ASSERT_TRUE(pool.post({.run =
                               [this](auto&) {
                                 started_.set_value();
                                 released_.wait();
                               },
                           .drop = [](const JobDropped&) {}}));
    started_.get_future().wait();
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST(WorkerPoolTest, RunsPostedJobsOnItsThreads) {
  WorkerPool<> pool({.threads = 2, .max_queued = 8});
  pool.start();
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.post({.run = [&](NoWorkerContext&) { ran.set_value(std::this_thread::get_id()); },
                         .drop = [](const JobDropped&) { ADD_FAILURE() << "dropped"; }}));
  auto future = ran.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id());
  pool.stop();
}

TEST(WorkerPoolTest, RefusesJobsWhenNotRunningAndSaysWhy) {
  WorkerPool<> pool({.threads = 1, .max_queued = 8});
  std::atomic<int> ran{0};
  std::vector<Reason> dropped;
  EXPECT_FALSE(pool.post(counting_job(ran, dropped)));
  pool.start();
  pool.stop();
  EXPECT_FALSE(pool.post(counting_job(ran, dropped)));
  pool.stop();
  EXPECT_EQ(dropped, (std::vector<Reason>{Reason::not_running, Reason::not_running}));
  EXPECT_EQ(ran.load(), 0);
  EXPECT_THROW((pool.start(), pool.start()), std::logic_error);
}

TEST(WorkerPoolTest, BoundedQueueAndStopDropsWhatIsQueued) {
  WorkerPool<> pool({.threads = 1, .max_queued = 2});
  pool.start();
  Blocker blocker;
  blocker.occupy(pool);
  std::atomic<int> dropped{0};
  std::atomic<int> ran{0};
  std::size_t waiting_when_full = 0;
  const auto job = [&] {
    return WorkerPool<>::Job{.run = [&](NoWorkerContext&) { ++ran; },
                             .drop = [&](const JobDropped& why) {
                               if (why.reason == Reason::queue_full) waiting_when_full = why.waiting;
                               if (why.reason == Reason::stopping) ++dropped;
                             }};
  };
  EXPECT_TRUE(pool.post(job()));
  EXPECT_TRUE(pool.post(job()));
  EXPECT_FALSE(pool.post(job())) << "the queue holds two";
  EXPECT_EQ(waiting_when_full, 2u);
  std::thread stopper([&] { pool.stop(); });
  // stop() drops the queued jobs at once, then waits for the running one.
  while (dropped.load() < 2) std::this_thread::yield();
  blocker.release();
  stopper.join();
  EXPECT_EQ(dropped.load(), 2);
  EXPECT_EQ(ran.load(), 0);
}

// Each worker has its own context, made on the worker's thread.
struct ThreadContext {
  std::thread::id made_on = std::this_thread::get_id();
};

TEST(WorkerPoolTest, AJobRunsWithItsWorkersContext) {
  WorkerPool<ThreadContext> pool({.threads = 1, .max_queued = 8});
  pool.start();
  std::promise<bool> same_thread;
  ASSERT_TRUE(pool.post({.run = [&](ThreadContext& context) {
                           same_thread.set_value(context.made_on == std::this_thread::get_id());
                         },
                         .drop = [](const JobDropped&) {}}));
  EXPECT_TRUE(same_thread.get_future().get());
  pool.stop();
}

TEST(WorkerPoolTest, BatchJobsThatQueueUpRunTogether) {
  std::mutex mutex;
  std::vector<std::vector<int>> batches;
  Blocker blocker;
  WorkerPool<NoWorkerContext, int> pool({.threads = 1,
                                         .max_queued = 16,
                                         .max_batch = 3,
                                         .max_batch_workers = 1,
                                         .make_context = nullptr,
                                         .run_batch =
                                             [&](NoWorkerContext&, std::vector<int>& jobs) {
                                               std::lock_guard lock(mutex);
                                               batches.push_back(jobs);
                                             },
                                         .drop_batch_job = [](int&, const JobDropped&) {}});
  pool.start();
  blocker.occupy(pool);
  for (int job = 1; job <= 5; ++job) ASSERT_TRUE(pool.post_batch(job));
  blocker.release();
  std::promise<void> after;
  ASSERT_TRUE(pool.post({.run = [&](NoWorkerContext&) { after.set_value(); }, .drop = [](const JobDropped&) {}}));
  after.get_future().wait();
  // The worker alternates: a batch of three, then the plain job; the last two may follow.
  pool.stop();
  std::lock_guard lock(mutex);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches.front(), (std::vector<int>{1, 2, 3}));
}

TEST(WorkerPoolTest, QueuedBatchJobsAreDroppedAtStop) {
  std::vector<int> dropped;  // written by the stopping thread, read after it joined
  std::atomic<int> dropped_count{0};
  Blocker blocker;
  WorkerPool<NoWorkerContext, int> pool({.threads = 1,
                                         .max_queued = 16,
                                         .run_batch = [](NoWorkerContext&, std::vector<int>&) {},
                                         .drop_batch_job = [&](int& job, const JobDropped& why) {
                                           EXPECT_EQ(why.reason, Reason::stopping);
                                           dropped.push_back(job);
                                           ++dropped_count;
                                         }});
  pool.start();
  blocker.occupy(pool);
  ASSERT_TRUE(pool.post_batch(7));
  ASSERT_TRUE(pool.post_batch(8));
  std::thread stopper([&] { pool.stop(); });
  // Dropped at once, while the running job still holds the worker.
  while (dropped_count.load() < 2) std::this_thread::yield();
  blocker.release();
  stopper.join();
  EXPECT_EQ(dropped, (std::vector<int>{7, 8}));
}

}  // namespace
}  // namespace processhost::plugins
