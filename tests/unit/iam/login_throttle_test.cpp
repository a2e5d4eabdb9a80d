#include "login_throttle.hpp"

#include <string>

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

using Limit = ThrottleDecision::Limit;
using std::chrono::seconds;

LoginThrottleConfig small_config() {
  LoginThrottleConfig config;
  config.account = AccountThrottleConfig{3, seconds(2), seconds(16), seconds(300)};
  config.address = AddressBudgetConfig{10, seconds(100)};
  config.max_tracked_keys = 1000;
  return config;
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  // Makes one attempt that fails (a wrong password); returns the decision.
  ThrottleDecision fail(const std::string& user, const std::string& address) {
    return throttle_.begin(user, address);  // allowed attempts stay counted as failures
  }

  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  LoginThrottle throttle_{small_config(), [this] { return now_; }};
};

TEST_F(LoginThrottleTest, SprayingOnePasswordOverManyUsernamesRunsOutOfTheAddressBudget) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(fail("user" + std::to_string(i), "10.0.0.1").allowed()) << i;
  auto refused = throttle_.begin("user10", "10.0.0.1");
  EXPECT_EQ(refused.limit, Limit::address);
  EXPECT_EQ(refused.retry_after, seconds(10)) << "one failure per window / maxFailures comes back";
  EXPECT_EQ(throttle_.begin("user0", "10.0.0.1").limit, Limit::address) << "the right password too, from there";
  EXPECT_TRUE(throttle_.begin("user0", "10.0.0.2").allowed()) << "the accounts themselves are not slowed";
}

TEST_F(LoginThrottleTest, AnAttackedAccountIsSlowedForEveryAddressButNeverLocked) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(fail("victim", "10.0.0.66").allowed()) << i;
  auto attacker = throttle_.begin("victim", "10.0.0.66");
  EXPECT_EQ(attacker.limit, Limit::account);
  EXPECT_EQ(attacker.retry_after, seconds(2));
  auto owner = throttle_.begin("victim", "10.0.0.7");
  EXPECT_EQ(owner.limit, Limit::account) << "guesses from other addresses would pass otherwise";
  EXPECT_EQ(owner.retry_after, seconds(2));

  now_ += owner.retry_after;
  ASSERT_TRUE(throttle_.begin("victim", "10.0.0.7").allowed()) << "the owner may try once the delay is over";
  throttle_.succeeded("victim", "10.0.0.7");
  EXPECT_TRUE(throttle_.begin("victim", "10.0.0.66").allowed()) << "success clears the account's delay";
}

TEST_F(LoginThrottleTest, APersistentAttackerNeverHoldsTheAccountLongerThanTheCap) {
  const auto start = now_;
  // Many attacking addresses, each within its budget, guessing at one account as fast as
  // the throttle lets them.
  for (int allowed = 0, i = 0; allowed < 20; ++i) {
    auto decision = throttle_.begin("victim", "10.1.0." + std::to_string(i % 250));
    if (decision.allowed()) {
      ++allowed;
    } else {
      ASSERT_EQ(decision.limit, Limit::account);
      ASSERT_LE(decision.retry_after, seconds(16)) << i;
      now_ += decision.retry_after;
    }
  }
  EXPECT_EQ(now_ - start, seconds(2 + 4 + 8 + 16 * 14)) << "20 guesses: 3 free, then 2, 4, 8 and 16 s each";
  auto owner = throttle_.begin("victim", "10.0.0.7");
  ASSERT_FALSE(owner.allowed());
  EXPECT_EQ(owner.retry_after, seconds(16));
  now_ += owner.retry_after;
  EXPECT_TRUE(throttle_.begin("victim", "10.0.0.7").allowed());
}

TEST_F(LoginThrottleTest, ARefusedAddressDoesNotPushTheAccountsDelayFurther) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(fail("user" + std::to_string(i), "10.0.0.1").allowed());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(throttle_.begin("victim", "10.0.0.1").limit, Limit::address);
  EXPECT_TRUE(throttle_.begin("victim", "10.0.0.2").allowed());
}

TEST_F(LoginThrottleTest, ConcurrentAttemptsCountBeforeTheirVerificationEnds) {
  // Nothing settles these attempts yet: they stand for guesses still being verified.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(throttle_.begin("victim", "10.0.0.66").allowed());
  EXPECT_EQ(throttle_.begin("victim", "10.0.0.67").limit, Limit::account);
}

TEST_F(LoginThrottleTest, SuccessRefundsOnlyItsOwnAttemptOfTheAddress) {
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(fail("user" + std::to_string(i), "10.0.0.1").allowed());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(throttle_.begin("mine", "10.0.0.1").allowed()) << i;
    throttle_.succeeded("mine", "10.0.0.1");
  }
  EXPECT_TRUE(fail("user9", "10.0.0.1").allowed());
  EXPECT_EQ(throttle_.begin("user10", "10.0.0.1").limit, Limit::address)
      << "logging into one's own account does not buy more guesses";
}

TEST_F(LoginThrottleTest, AbandonedAttemptsAreNotFailures) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(throttle_.begin("victim", "10.0.0.1").allowed()) << i;
    throttle_.abandoned("victim", "10.0.0.1");
  }
}

TEST_F(LoginThrottleTest, IPv6ClientsAreCountedPerSlash64) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(fail("user" + std::to_string(i), "2001:db8:0:1::" + std::to_string(i + 1)).allowed()) << i;
  }
  EXPECT_EQ(throttle_.begin("user10", "2001:db8:0:1::ffff").limit, Limit::address);
  EXPECT_TRUE(throttle_.begin("user10", "2001:db8:0:2::1").allowed());
}

TEST_F(LoginThrottleTest, MemoryStaysBoundedUnderAFloodOfNewNames) {
  auto config = small_config();
  config.address.max_failures = 1'000'000;
  config.max_tracked_keys = 1000;
  LoginThrottle throttle(config, [this] { return now_; });
  for (int i = 0; i < 20'000; ++i) {
    now_ += std::chrono::milliseconds(1);
    ASSERT_TRUE(throttle.begin("flood" + std::to_string(i), "10.0.0.1").allowed()) << i;
  }
  EXPECT_LE(throttle.tracked().accounts, 1000u);
  EXPECT_EQ(throttle.tracked().addresses, 1u);
  // The newest are still counted, so a target under attack right now keeps its delay
  // while old names are dropped.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(throttle.begin("victim", "10.0.0.1").allowed());
  EXPECT_EQ(throttle.begin("victim", "10.0.0.1").limit, Limit::account);
}

}  // namespace
}  // namespace processhost::plugins::iam
