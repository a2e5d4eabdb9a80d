// pg_store's hints between two stores on one database (docs/cluster.md, "Hints"): which
// commits the other host hears of, that a host never hears its own, and that the commits of a
// send interval share one NOTIFY.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <pqxx/pqxx>

#include "hint_codec.hpp"
#include "pg_store.hpp"
#include "processhost/test/postgres_cluster.hpp"
#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using plugins::pg_store::PgConfig;
using plugins::pg_store::PgStore;

// What one store heard, by instance id.
class HeardHints {
 public:
  void add(const StoreHints& hints) {
    std::lock_guard lock(mutex_);
    for (const auto& hint : hints.instances) instances_[hint.process_instance_id].push_back(hint);
  }
  std::vector<InstanceHint> of(const std::string& instance_id) {
    std::lock_guard lock(mutex_);
    auto found = instances_.find(instance_id);
    return found == instances_.end() ? std::vector<InstanceHint>{} : found->second;
  }
  std::size_t instance_count() {
    std::lock_guard lock(mutex_);
    return instances_.size();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<InstanceHint>> instances_;
};

// Polls until check holds or the time is up; bounds a wait, measures nothing.
bool eventually(const std::function<bool()>& check, std::chrono::milliseconds within = 20s) {
  for (const auto deadline = std::chrono::steady_clock::now() + within; std::chrono::steady_clock::now() < deadline;) {
    if (check()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return check();
}

ChangeSet step(const std::string& id, std::int64_t expected_version, bool ends = false) {
  ChangeSet changes;
  changes.instance = make_instance(id);
  changes.instance.version = expected_version + 1;
  changes.expected_version = expected_version;
  if (ends) {
    changes.instance.state = ProcessInstanceState::finished;
    changes.instance.finished_at_ms = 2000;
  }
  return changes;
}

std::future<Status> commit_async(Store& store, ChangeSet changes) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  store.commit(std::move(changes), [promise](Status result) { promise->set_value(std::move(result)); });
  return future;
}

class PgStoreHints : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = cluster_config(unique_database_name("hints"));
    // One NOTIFY per second at most: the count below depends on the interval, not on speed.
    config_.hint_interval_ms = 1000;
    a_ = std::make_unique<PgStore>(config_, nullptr);
    a_->start();
    b_ = std::make_unique<PgStore>(config_, nullptr);
    b_->start();
    a_subscription_ = a_->subscribe_hints([this](StoreHints hints) { heard_by_a_.add(hints); });
    b_subscription_ = b_->subscribe_hints([this](StoreHints hints) { heard_by_b_.add(hints); });
  }
  void TearDown() override {
    if (a_) a_->unsubscribe_hints(a_subscription_);
    if (b_) b_->unsubscribe_hints(b_subscription_);
    a_.reset();
    b_.reset();
    shared_postgres_cluster().drop_database(config_.database);
  }

  // A's hints reach B once A heard B's hello (or counted its listener): until then A sends none.
  void wait_until_a_is_heard() {
    ASSERT_TRUE(commit_async(*a_, step("warm-up", 0)).get().ok());
    std::int64_t version = 1;
    ASSERT_TRUE(eventually([&] {
      EXPECT_TRUE(commit_async(*a_, step("warm-up", version)).get().ok());
      ++version;
      return !heard_by_b_.of("warm-up").empty();
    }));
  }

  PgConfig config_;
  std::unique_ptr<PgStore> a_;
  std::unique_ptr<PgStore> b_;
  HeardHints heard_by_a_;
  HeardHints heard_by_b_;
  std::uint64_t a_subscription_ = 0;
  std::uint64_t b_subscription_ = 0;
};

// New instances waiting for a user task: no other host can hold them, nobody waits for
// anything they did; their later steps and ends are heard, each with its version.
TEST_F(PgStoreHints, TheOtherHostHearsStepsAndEndsNotTheFirstCommitOfANewInstance) {
  wait_until_a_is_heard();
  constexpr int kInstances = 40;
  auto id = [](int i) { return "hinted-" + std::to_string(i); };
  std::vector<std::future<Status>> commits;
  for (int i = 0; i < kInstances; ++i) commits.push_back(commit_async(*a_, step(id(i), 0)));
  for (auto& done : commits) ASSERT_TRUE(done.get().ok());
  commits.clear();
  for (int i = 0; i < kInstances; ++i) commits.push_back(commit_async(*a_, step(id(i), 1, i % 2 == 0)));
  for (auto& done : commits) ASSERT_TRUE(done.get().ok());
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < kInstances; ++i) {
      if (heard_by_b_.of(id(i)).empty()) return false;
    }
    return true;
  })) << "B did not hear every step";
  for (int i = 0; i < kInstances; ++i) {
    const auto heard = heard_by_b_.of(id(i));
    ASSERT_EQ(heard.size(), 1u) << id(i) << ": only the step, not the creation";
    EXPECT_EQ(heard[0].version, 2) << id(i);
    EXPECT_EQ(heard[0].ended, i % 2 == 0) << id(i);
  }
  EXPECT_EQ(heard_by_a_.instance_count(), 0u) << "a host never hears its own hints";
}

// The commits of one send interval share a NOTIFY: counted on a connection of the test's own
// that listens beside the two stores.
TEST_F(PgStoreHints, TheHintsOfASendIntervalShareOneNotification) {
  wait_until_a_is_heard();
  pqxx::connection listening(config_.conninfo());
  std::size_t notifications_from_a = 0;
  std::size_t hints_from_a = 0;
  class Counter final : public pqxx::notification_receiver {
   public:
    Counter(pqxx::connection_base& connection, const std::string& host, std::size_t& notifications, std::size_t& hints)
        : pqxx::notification_receiver(connection, plugins::pg_store::kHintChannel),
          host_(host),
          notifications_(notifications),
          hints_(hints) {}
    // Only the hints of this test's instances (the warm-up's may still come).
    void operator()(const std::string& payload, int) override {
      if (plugins::pg_store::notification_host(payload) != host_) return;
      std::size_t ours = 0;
      const auto notification = plugins::pg_store::decode_notification(payload);
      for (const auto& hint : notification->hints) {
        if (hint.instance && hint.instance->process_instance_id.rfind("shared-", 0) == 0) ++ours;
      }
      if (ours > 0) ++notifications_;
      hints_ += ours;
    }

   private:
    const std::string& host_;
    std::size_t& notifications_;
    std::size_t& hints_;
  } counter(listening, a_->host_id(), notifications_from_a, hints_from_a);
  listening.get_notifs();  // LISTEN is sent now

  constexpr int kInstances = 60;
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::future<Status>> commits;
  for (int i = 0; i < kInstances; ++i) commits.push_back(commit_async(*a_, step("shared-" + std::to_string(i), 0, true)));
  for (auto& done : commits) ASSERT_TRUE(done.get().ok());
  const auto committing = std::chrono::steady_clock::now() - began;
  ASSERT_TRUE(eventually([&] {
    listening.await_notification(0, 100'000);
    return hints_from_a >= static_cast<std::size_t>(kInstances);
  })) << hints_from_a << " hints heard";
  EXPECT_EQ(hints_from_a, static_cast<std::size_t>(kInstances));
  // At most one NOTIFY per interval (1 s) while the commits ran, plus the one that opens it.
  const auto intervals = std::chrono::duration_cast<std::chrono::seconds>(committing).count() + 2;
  EXPECT_LE(notifications_from_a, static_cast<std::size_t>(intervals))
      << kInstances << " commits in " << std::chrono::duration_cast<std::chrono::milliseconds>(committing).count()
      << " ms";
  EXPECT_LT(notifications_from_a, static_cast<std::size_t>(kInstances));
}

}  // namespace
}  // namespace processhost::test
