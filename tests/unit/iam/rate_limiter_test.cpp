#include "rate_limiter.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_{};
  RateLimiter limiter_{RateLimitConfig{3, std::chrono::seconds(60)}, [this] { return now_; }};
};

TEST_F(RateLimiterTest, AllowsMaxAttemptsPerWindowThenTellsWhenToRetry) {
  auto key = RateLimiter::key_for("sampleUser", "10.0.0.1");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter_.try_acquire(key).count(), 0) << i;
  now_ += std::chrono::seconds(15);
  EXPECT_EQ(limiter_.try_acquire(key).count(), 45);
  now_ += std::chrono::milliseconds(44'500);
  EXPECT_EQ(limiter_.try_acquire(key).count(), 1);
  now_ += std::chrono::milliseconds(500);
  EXPECT_EQ(limiter_.try_acquire(key).count(), 0) << "a new window";
}

TEST_F(RateLimiterTest, KeysAreSeparatePerUserAndAddress) {
  auto key = RateLimiter::key_for("sampleUser", "10.0.0.1");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter_.try_acquire(key).count(), 0);
  EXPECT_GT(limiter_.try_acquire(key).count(), 0);
  EXPECT_EQ(limiter_.try_acquire(RateLimiter::key_for("sampleUser", "10.0.0.2")).count(), 0);
  EXPECT_EQ(limiter_.try_acquire(RateLimiter::key_for("otherUser", "10.0.0.1")).count(), 0);
  EXPECT_NE(RateLimiter::key_for("a", "b:c"), RateLimiter::key_for("c", "b:a"));
}

TEST_F(RateLimiterTest, ResetClearsTheKey) {
  auto key = RateLimiter::key_for("sampleUser", "10.0.0.1");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter_.try_acquire(key).count(), 0);
  limiter_.reset(key);
  EXPECT_EQ(limiter_.try_acquire(key).count(), 0);
}

TEST_F(RateLimiterTest, ManyKeysStayBounded) {
  RateLimiter limiter(RateLimitConfig{1, std::chrono::seconds(60)}, [this] { return now_; });
  for (std::size_t i = 0; i < RateLimiter::kMaxKeys + 10; ++i) {
    now_ += std::chrono::microseconds(1);
    ASSERT_EQ(limiter.try_acquire("k" + std::to_string(i)).count(), 0);
  }
  // The newest keys are still counted; the oldest were dropped to make room.
  EXPECT_GT(limiter.try_acquire("k" + std::to_string(RateLimiter::kMaxKeys + 9)).count(), 0);
  EXPECT_EQ(limiter.try_acquire("k0").count(), 0);
}

}  // namespace
}  // namespace processhost::plugins::iam
