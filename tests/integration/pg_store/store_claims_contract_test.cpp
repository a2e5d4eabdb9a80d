// The Store contract of claims for several hosts on one store (store.hpp: claim_due_timers,
// claim_cron_tick, remove_cron_claims), run against pg_store and the engine's MemoryStore.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

using StoreKinds = ::testing::Types<PgStoreHarness, MemoryStoreHarness>;

template <class Harness>
class StoreClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_ = Harness::create(); }
  void TearDown() override { harness_.reset(); }
  Store& store() { return harness_->store(); }

  TimerClaim claim(const std::string& owner, std::int64_t now, std::int64_t lease_until, std::size_t max) {
    auto result = await_result<TimerClaim>(
        [&](auto done) { store().claim_due_timers(owner, now, lease_until, max, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : TimerClaim{};
  }
  static std::string ids(const TimerClaim& claim) {
    std::string joined;
    for (const auto& timer : claim.timers) joined += (joined.empty() ? "" : ",") + timer.id;
    return joined;
  }
  bool claim_tick(const std::string& model, const std::string& start_event, std::int64_t tick) {
    auto result = await_result<bool>(
        [&](auto done) { store().claim_cron_tick({model, start_event, tick, "host_x", tick + 3}, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() && result.value();
  }

  std::unique_ptr<StoreHarness> harness_;
};

TYPED_TEST_SUITE(StoreClaimsTest, StoreKinds);

TYPED_TEST(StoreClaimsTest, ADueTimerIsClaimedByOneCallerUntilItsLeaseEnds) {
  auto instance = make_instance("i1");
  auto changes = creation(instance);
  changes.timers_armed = {{"t_late", "i1", "n1", 5000}, {"t_early", "i1", "n2", 1000}, {"t_mid", "i1", "n3", 2000}};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().commit(std::move(changes), done); }).ok());

  auto first = this->claim("host_a", 2000, 3000, 10);
  EXPECT_EQ(this->ids(first), "t_early,t_mid");
  EXPECT_EQ(first.timers[0].process_instance_id, "i1");
  EXPECT_EQ(first.timers[0].flow_node_instance_id, "n2");
  EXPECT_EQ(first.timers[0].due_at_ms, 1000);
  EXPECT_EQ(first.next_due_ms, std::optional<std::int64_t>(5000));

  // Leased: nobody else gets them, but the next due time is still told.
  auto during = this->claim("host_b", 2999, 4000, 10);
  EXPECT_EQ(this->ids(during), "");
  EXPECT_EQ(during.next_due_ms, std::optional<std::int64_t>(5000));

  // The lease ended (the claimer died or failed): the next caller takes them, max at a time.
  auto after = this->claim("host_b", 3000, 8000, 1);
  EXPECT_EQ(this->ids(after), "t_early");
  auto rest = this->claim("host_b", 3000, 8000, 10);
  EXPECT_EQ(this->ids(rest), "t_mid");

  // Firing removes a timer: it is claimed by nobody again; the one left is due later.
  auto fired = transition(instance, 1);
  fired.timers_cancelled = {"t_early", "t_mid"};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().commit(std::move(fired), done); }).ok());
  auto none = this->claim("host_c", 9000 - 4001, 9000, 10);
  EXPECT_EQ(this->ids(none), "");
  EXPECT_EQ(none.next_due_ms, std::optional<std::int64_t>(5000));
  auto last = this->claim("host_c", 6000, 9000, 10);
  EXPECT_EQ(this->ids(last), "t_late");
  EXPECT_FALSE(last.next_due_ms.has_value());
}

TYPED_TEST(StoreClaimsTest, CallersClaimingAtOnceTakeDisjointTimers) {
  auto instance = make_instance("i1");
  auto changes = creation(instance);
  for (int i = 0; i < 120; ++i) {
    changes.timers_armed.push_back({"t" + std::to_string(i), "i1", "n" + std::to_string(i), 100 + i});
  }
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().commit(std::move(changes), done); }).ok());

  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::thread> hosts;
  for (int host = 0; host < 4; ++host) {
    hosts.emplace_back([&, host] {
      for (;;) {
        auto batch = this->claim("host_" + std::to_string(host), 1000, 60000, 7);
        if (batch.timers.empty()) return;
        std::lock_guard lock(mutex);
        for (const auto& timer : batch.timers) claimed.push_back(timer.id);
      }
    });
  }
  for (auto& host : hosts) host.join();
  EXPECT_EQ(claimed.size(), 120u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 120u);
}

TYPED_TEST(StoreClaimsTest, ACronTickIsClaimedOnceAndOldClaimsGo) {
  EXPECT_TRUE(this->claim_tick("model_a", "tick", 2000));
  EXPECT_FALSE(this->claim_tick("model_a", "tick", 2000));
  EXPECT_TRUE(this->claim_tick("model_a", "tick", 4000));
  EXPECT_TRUE(this->claim_tick("model_a", "other_start", 2000));
  EXPECT_TRUE(this->claim_tick("model_b", "tick", 2000));

  // Hosts reaching one tick at once: exactly one starts it.
  std::atomic<int> winners{0};
  std::vector<std::thread> hosts;
  for (int host = 0; host < 6; ++host) {
    hosts.emplace_back([&] {
      if (this->claim_tick("model_a", "tick", 6000)) ++winners;
    });
  }
  for (auto& host : hosts) host.join();
  EXPECT_EQ(winners.load(), 1);

  auto removed = await_result<std::size_t>([&](auto done) { this->store().remove_cron_claims(4000, done); });
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed.value(), 3u);  // the three ticks at 2000
  EXPECT_FALSE(this->claim_tick("model_a", "tick", 4000));
  EXPECT_FALSE(this->claim_tick("model_a", "tick", 6000));
}

}  // namespace
}  // namespace processhost::test
