#include "worker_pool.hpp"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

TEST(WorkerPoolTest, RunsPostedJobsOnItsThreads) {
  WorkerPool pool(8);
  pool.start(2);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.post([&](bool dropped) {
    EXPECT_FALSE(dropped);
    ran.set_value(std::this_thread::get_id());
  }));
  auto future = ran.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id());
  pool.stop();
}

TEST(WorkerPoolTest, RefusesJobsWhenNotRunning) {
  WorkerPool pool(8);
  EXPECT_FALSE(pool.post([](bool) {}));
  pool.start(1);
  pool.stop();
  EXPECT_FALSE(pool.post([](bool) {}));
  pool.stop();
}

TEST(WorkerPoolTest, BoundedQueueAndStopDropsWhatIsQueued) {
  WorkerPool pool(2);
  pool.start(1);
  std::promise<void> started;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  ASSERT_TRUE(pool.post([&, release_future](bool) {
    started.set_value();
    release_future.wait();
  }));
  started.get_future().wait();
  std::atomic<int> dropped{0};
  std::atomic<int> ran{0};
  auto counting = [&](bool was_dropped) { ++(was_dropped ? dropped : ran); };
  EXPECT_TRUE(pool.post(counting));
  EXPECT_TRUE(pool.post(counting));
  EXPECT_FALSE(pool.post(counting)) << "the queue holds two";
  std::thread stopper([&] { pool.stop(); });
  // stop() drops the queued jobs at once, then waits for the running one.
  while (dropped.load() < 2) std::this_thread::yield();
  release.set_value();
  stopper.join();
  EXPECT_EQ(dropped.load(), 2);
  EXPECT_EQ(ran.load(), 0);
}

}  // namespace
}  // namespace processhost::plugins::iam
