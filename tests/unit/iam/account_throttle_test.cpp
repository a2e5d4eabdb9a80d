#include "account_throttle.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

using std::chrono::seconds;

class AccountThrottleTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kAccount = 7;
  std::chrono::steady_clock::time_point now_{};
  AccountThrottle throttle_{AccountThrottleConfig{2, seconds(1), seconds(8), seconds(60)}, 1000};
};

TEST_F(AccountThrottleTest, DelayIsFreeThenDoublesUpToTheCap) {
  EXPECT_EQ(throttle_.delay_after(0), seconds(0));
  EXPECT_EQ(throttle_.delay_after(1), seconds(0));
  EXPECT_EQ(throttle_.delay_after(2), seconds(1));
  EXPECT_EQ(throttle_.delay_after(3), seconds(2));
  EXPECT_EQ(throttle_.delay_after(4), seconds(4));
  EXPECT_EQ(throttle_.delay_after(5), seconds(8));
  EXPECT_EQ(throttle_.delay_after(6), seconds(8));
  EXPECT_EQ(throttle_.delay_after(4'000'000'000u), seconds(8)) << "no overflow however many failures";
}

TEST_F(AccountThrottleTest, EachFailureBeyondTheFreeOnesMakesTheNextAttemptWait) {
  throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(0));
  throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(1));
  now_ += std::chrono::milliseconds(400);
  EXPECT_EQ(throttle_.wait(kAccount, now_), std::chrono::milliseconds(600));
  now_ += std::chrono::milliseconds(600);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(0)) << "a slowdown: the wait ends";
  throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(2));
  EXPECT_EQ(throttle_.wait(kAccount + 1, now_), seconds(0)) << "other accounts are not affected";
}

TEST_F(AccountThrottleTest, TheWaitNeverExceedsTheCap) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_LE(throttle_.wait(kAccount, now_), seconds(8)) << i;
    now_ += throttle_.wait(kAccount, now_);
    throttle_.count_attempt(kAccount, now_);
  }
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(8));
}

TEST_F(AccountThrottleTest, ClearForgetsAndForgiveTakesBackOneAttempt) {
  for (int i = 0; i < 3; ++i) throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(2));
  throttle_.forgive(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(1));
  throttle_.clear(kAccount);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(0));
  throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(0)) << "counting starts again from zero";
}

TEST_F(AccountThrottleTest, FailuresAreForgottenAfterQuietTime) {
  for (int i = 0; i < 5; ++i) throttle_.count_attempt(kAccount, now_);
  now_ += seconds(60);
  throttle_.count_attempt(kAccount, now_);
  EXPECT_EQ(throttle_.wait(kAccount, now_), seconds(0)) << "one failure after the quiet time is a first one";
}

}  // namespace
}  // namespace processhost::plugins::iam
