#include "address_budget.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

using std::chrono::seconds;

class AddressBudgetTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kAddress = 42;
  std::chrono::steady_clock::time_point now_{};
  // 3 failures at once, then one per 20 s.
  AddressBudget budget_{AddressBudgetConfig{3, seconds(60)}, 1000};
};

TEST_F(AddressBudgetTest, ABurstOfMaxFailuresThenOnePerInterval) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(budget_.wait(kAddress, now_), seconds(0)) << i;
    budget_.spend(kAddress, now_);
  }
  EXPECT_EQ(budget_.wait(kAddress, now_), seconds(20));
  EXPECT_EQ(budget_.wait(kAddress + 1, now_), seconds(0)) << "other addresses are not affected";
  now_ += seconds(15);
  EXPECT_EQ(budget_.wait(kAddress, now_), seconds(5));
  now_ += seconds(5);
  EXPECT_EQ(budget_.wait(kAddress, now_), seconds(0));
  budget_.spend(kAddress, now_);
  EXPECT_EQ(budget_.wait(kAddress, now_), seconds(20)) << "a steady attacker gets one try per interval";
}

TEST_F(AddressBudgetTest, TheWholeBudgetComesBackAfterOneWindow) {
  for (int i = 0; i < 3; ++i) budget_.spend(kAddress, now_);
  now_ += seconds(60);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(budget_.wait(kAddress, now_), seconds(0)) << i;
    budget_.spend(kAddress, now_);
  }
  EXPECT_GT(budget_.wait(kAddress, now_), seconds(0));
}

TEST_F(AddressBudgetTest, ARefundGivesTheFailureBack) {
  for (int i = 0; i < 3; ++i) budget_.spend(kAddress, now_);
  ASSERT_GT(budget_.wait(kAddress, now_), seconds(0));
  budget_.refund(kAddress, now_);
  EXPECT_EQ(budget_.wait(kAddress, now_), seconds(0));
}

}  // namespace
}  // namespace processhost::plugins::iam
