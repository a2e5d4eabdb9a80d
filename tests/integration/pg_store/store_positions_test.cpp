// Deep list pages placed by the kept counts per second (schema migrations 11 and 12,
// list_positions.hpp): with 4,200 waiting tasks and correlations spread over minutes and
// crowded into a few seconds, every page more than a thousand entries from either end of a
// counted list (tasks, instances, correlations, an owner's own tasks and instances) is read from the second the kept counts place
// it in, and holds exactly the rows OFFSET gives: before the counts are folded into ranges,
// after, and after entries inside folded ranges changed (tasks finished, instances ended,
// ended instances removed) and new ones came. Some correlations have more instances: later
// ones, and earlier ones that take the correlation's place when they come and give it back
// when they go.

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <thread>
#include <chrono>
#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "kept_counts.hpp"
#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

constexpr int kSpread = 2400;   // 37 ms apart: about 27 per second over 89 seconds
constexpr int kCrowded = 1800;  // 1 ms apart from second 5,000 on, and 600 of them in one millisecond

std::string numbered(const char* prefix, int n) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%05d", prefix, n);
  return text;
}

struct Entry {
  ProcessInstanceRecord instance;
  FlowNodeInstanceRecord task;
};

std::int64_t created_at(int i) {
  if (i < kSpread) return 1'000'000 + static_cast<std::int64_t>(i) * 37;
  const int j = i - kSpread;
  return j < 600 ? 5'000'000 : 5'000'000 + j;
}

class StorePositionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_ = std::make_unique<PgStoreHarness>();
    std::vector<std::future<Status>> commits;
    for (int i = 0; i < kSpread + kCrowded; ++i) {
      Entry entry;
      entry.instance = make_instance(numbered("pi", i), i % 4 == 0 ? "m1" : "m0", numbered("c", i),
                                     i % 3 == 1 ? "bob" : "alice", created_at(i));
      entry.task = make_node(entry.instance, numbered("nt", i), "task", created_at(i), "bpmn:UserTask",
                             FlowNodeState::suspended, i % 3 == 0 ? "lane_a" : "");
      auto promise = std::make_shared<std::promise<Status>>();
      commits.push_back(promise->get_future());
      store().commit(creation(entry.instance, {entry.task}),
                     [promise](Status status) { promise->set_value(std::move(status)); });
      entries_.push_back(std::move(entry));
    }
    for (auto& committed : commits) ASSERT_TRUE(committed.get().ok());
    for (auto& entry : entries_) entry.instance.version = 1;
    // More instances in some correlations: a later one of m0, running (every fifth), and an
    // earlier one of m1, ended (every seventh), which becomes its correlation's first.
    for (int i = 0; i < kSpread + kCrowded; ++i) {
      if (i % 5 == 0) add_other(make_instance(numbered("pj", i), "m0", numbered("c", i), "alice", created_at(i) + 20'000));
      if (i % 7 == 0) {
        auto earlier = make_instance(numbered("pk", i), "m1", numbered("c", i), "alice", created_at(i) - 500);
        earlier.state = ProcessInstanceState::finished;
        earlier.finished_at_ms = created_at(i);
        add_other(std::move(earlier));
      }
    }
    // What autovacuum does once the tables settle: without statistics the planner walks the
    // running instances for each correlation probe of a page (the first run of this test in a
    // fresh database took over a minute).
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction(connection).exec("ANALYZE processhost_process_instances, processhost_flow_node_instances");
  }
  void add_other(ProcessInstanceRecord instance) {
    ASSERT_TRUE(await_result<Ok>([&](auto done) { store().commit(creation(instance), done); }).ok());
    instance.version = 1;
    others_.push_back(std::move(instance));
  }
  std::vector<const ProcessInstanceRecord*> all_instances() const {
    std::vector<const ProcessInstanceRecord*> all;
    for (const auto& entry : entries_) all.push_back(&entry.instance);
    for (const auto& other : others_) all.push_back(&other);
    return all;
  }

  Store& store() { return harness_->store(); }
  plugins::pg_store::PgStore& pg_store() { return harness_->pg_store(); }

  // The waiting user tasks of model (all models when empty) in lane_a or no lane, as ids in
  // list order; and the running instances.
  std::vector<std::string> expected_tasks(const std::string& model, const std::string& owner = {}) const {
    std::vector<const FlowNodeInstanceRecord*> tasks;
    for (const auto& entry : entries_) {
      if (entry.task.state == FlowNodeState::suspended && (model.empty() || entry.task.process_model_id == model) &&
          (owner.empty() || entry.task.owner_user_id == owner)) {
        tasks.push_back(&entry.task);
      }
    }
    return ordered_ids(tasks);
  }
  std::vector<std::string> expected_running(const std::string& owner = {}) const {
    std::vector<const ProcessInstanceRecord*> instances;
    for (const auto* instance : all_instances()) {
      if (instance->state == ProcessInstanceState::running && (owner.empty() || instance->owner_user_id == owner)) {
        instances.push_back(instance);
      }
    }
    return ordered_ids(instances);
  }
  // Correlation ids in list order: each at its first instance of the model (any when empty),
  // running ones only when running_only.
  std::vector<std::string> expected_correlations(const std::string& model, bool running_only) const {
    std::map<std::string, const ProcessInstanceRecord*> first;
    for (const auto* instance : all_instances()) {
      if (!model.empty() && instance->process_model_id != model) continue;
      if (running_only && instance->state != ProcessInstanceState::running) continue;
      auto& at = first[instance->correlation_id];
      if (!at || std::tie(instance->created_at_ms, instance->id) < std::tie(at->created_at_ms, at->id)) at = instance;
    }
    std::vector<const ProcessInstanceRecord*> firsts;
    for (const auto& [correlation, instance] : first) firsts.push_back(instance);
    std::sort(firsts.begin(), firsts.end(), [](const auto* a, const auto* b) {
      return std::tie(a->created_at_ms, a->id) < std::tie(b->created_at_ms, b->id);
    });
    std::vector<std::string> ids;
    for (const auto* instance : firsts) ids.push_back(instance->correlation_id);
    return ids;
  }
  // A page's ids (id_of each item) and its total, asked by ask(done).
  template <class Record, class Ask, class IdOf>
  static std::pair<std::vector<std::string>, std::size_t> listed_ids(Ask ask, IdOf id_of) {
    auto listed = await_result<PagedList<Record>>(ask);
    EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
    if (!listed.ok()) return {};
    std::vector<std::string> ids;
    for (const auto& item : listed.value().items) ids.push_back(id_of(item));
    return {ids, listed.value().total_count};
  }
  std::pair<std::vector<std::string>, std::size_t> correlations(const std::string& model, bool running_only,
                                                                PageRequest page) {
    CorrelationQuery query;
    if (!model.empty()) query.process_model_id = model;
    if (running_only) query.state = ProcessInstanceState::running;
    query.page = page;
    return listed_ids<CorrelationRecord>([&](auto done) { store().query_correlations(std::move(query), done); },
                                         [](const CorrelationRecord& item) { return item.correlation_id; });
  }
  template <class Record>
  static std::vector<std::string> ordered_ids(std::vector<const Record*> records) {
    std::sort(records.begin(), records.end(), [](const Record* a, const Record* b) {
      return std::tie(a->created_at_ms, a->id) < std::tie(b->created_at_ms, b->id);
    });
    std::vector<std::string> ids;
    for (const auto* record : records) ids.push_back(record->id);
    return ids;
  }

  std::pair<std::vector<std::string>, std::size_t> tasks(const std::string& model, PageRequest page,
                                                         const std::string& owner = {}) {
    FlowNodeQuery query;
    query.state = FlowNodeState::suspended;
    query.flow_node_types = {"bpmn:UserTask"};
    if (!model.empty()) query.process_model_id = model;
    if (!owner.empty()) query.owner_user_id = owner;
    query.lanes = std::vector<std::string>{"lane_a", "lane_b"};
    query.page = page;
    return listed_ids<FlowNodeInstanceRecord>([&](auto done) { store().query_flow_nodes(std::move(query), done); },
                                              [](const FlowNodeInstanceRecord& item) { return item.id; });
  }
  std::pair<std::vector<std::string>, std::size_t> running(PageRequest page, const std::string& owner = {}) {
    InstanceQuery query;
    query.state = ProcessInstanceState::running;
    if (!owner.empty()) query.owner_user_id = owner;
    query.page = page;
    return listed_ids<ProcessInstanceRecord>([&](auto done) { store().query_instances(std::move(query), done); },
                                             [](const ProcessInstanceRecord& item) { return item.id; });
  }

  // Deep pages (every one more than a thousand entries from both ends) hold what OFFSET
  // gives, and the kept counts placed each of them. They are asked from the end backwards, so
  // no page finds a bookmark (a page's bookmark lies after it); a page to the end of the list
  // (limit 0) is read backwards from the end, without the counts. On a second pass over the
  // same rows, a page may find a bookmark the first pass left before it, and is read from it.
  template <class List>
  void expect_deep_pages(const std::vector<std::string>& expected, List list, const char* what, bool again) {
    ASSERT_GT(expected.size(), 2400u) << what;
    const std::size_t total = expected.size();
    std::vector<std::size_t> offsets = {1001, 1234, total / 2 - 50, total / 2 + 7, total - 1002 - 100};
    for (std::size_t offset = 1100; offset + 1100 < total; offset += 97) offsets.push_back(offset);
    std::sort(offsets.rbegin(), offsets.rend());
    for (const std::size_t offset : offsets) {
      for (const std::size_t limit : {std::size_t{100}, std::size_t{7}, std::size_t{0}}) {
        const auto placed_before = pg_store().positioned_pages();
        const auto seeks_before = pg_store().bookmarked_pages();
        const auto [ids, count] = list(PageRequest{offset, limit});
        const std::size_t take = limit == 0 ? total - offset : std::min(limit, total - offset);
        ASSERT_EQ(ids, std::vector<std::string>(expected.begin() + static_cast<std::ptrdiff_t>(offset),
                                                expected.begin() + static_cast<std::ptrdiff_t>(offset + take)))
            << what << ": offset " << offset << ", limit " << limit;
        EXPECT_EQ(count, total) << what;
        const auto placed = pg_store().positioned_pages() - placed_before;
        const auto seeks = pg_store().bookmarked_pages() - seeks_before;
        if (limit == 0) {
          EXPECT_EQ(placed, 0u) << what << ": offset " << offset;
        } else if (again) {
          EXPECT_EQ(placed + seeks, 1u) << what << ": offset " << offset << ", limit " << limit;
        } else {
          EXPECT_EQ(placed, 1u) << what << ": offset " << offset << ", limit " << limit;
        }
      }
    }
  }

  void expect_every_list(bool again = false) {
    expect_deep_pages(expected_tasks(""), [&](PageRequest page) { return tasks("", page); }, "every waiting task",
                      again);
    expect_deep_pages(expected_tasks("m0"), [&](PageRequest page) { return tasks("m0", page); }, "tasks of m0", again);
    expect_deep_pages(expected_running(), [&](PageRequest page) { return running(page); }, "running instances", again);
    expect_deep_pages(expected_tasks("", "alice"), [&](PageRequest page) { return tasks("", page, "alice"); },
                      "alice's own tasks", again);
    expect_deep_pages(expected_running("alice"), [&](PageRequest page) { return running(page, "alice"); },
                      "alice's own running instances", again);
    expect_deep_pages(expected_correlations("", false), [&](PageRequest page) { return correlations("", false, page); },
                      "every correlation", again);
    expect_deep_pages(expected_correlations("", true), [&](PageRequest page) { return correlations("", true, page); },
                      "active correlations", again);
    expect_deep_pages(expected_correlations("m0", false),
                      [&](PageRequest page) { return correlations("m0", false, page); }, "correlations of m0", again);
  }

  std::size_t count_rows(const char* table) {
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction tx(connection);
    return tx.exec1(std::string("SELECT count(*) FROM ") + table)[0].as<std::size_t>();
  }
  void fold() {
    pqxx::connection connection(harness_->config().conninfo());
    plugins::pg_store::fold_kept_counts(connection);
  }

  std::unique_ptr<PgStoreHarness> harness_;
  std::vector<Entry> entries_;
  std::vector<ProcessInstanceRecord> others_;  // instances without a waiting task
};

TEST_F(StorePositionsTest, DeepPagesHoldWhatOffsetGives) { expect_every_list(); }

TEST_F(StorePositionsTest, DeepPagesHoldWhatOffsetGivesOnceTheCountsAreFoldedIntoRanges) {
  const auto rows_before = count_rows("processhost_waiting_counts");
  fold();  // every second here is decades old: all of them fold
  const auto rows_after = count_rows("processhost_waiting_counts");
  EXPECT_LT(rows_after, rows_before / 4) << "the seconds were not folded into ranges";
  EXPECT_LE(rows_after, 2u * 20u) << "two models, two lanes: ranges of about a thousand entries each";
  expect_every_list();
}

TEST_F(StorePositionsTest, DeepPagesStayExactWhenEntriesInsideFoldedRangesChange) {
  fold();
  // Tasks finished and instances ended all through the folded ranges (each writes rows of
  // its own second, inside a range), and new entries in seconds of their own.
  for (std::size_t i = 0; i < entries_.size(); i += 13) {
    auto& entry = entries_[i];
    entry.task.state = FlowNodeState::finished;
    entry.task.finished_at_ms = entry.task.created_at_ms + 1;
    if (i % 2 == 0) {
      entry.instance.state = ProcessInstanceState::finished;
      entry.instance.finished_at_ms = entry.task.finished_at_ms;
    }
    ASSERT_TRUE(await_result<Ok>([&](auto done) {
                  store().commit(transition(entry.instance, entry.instance.version, {entry.task}), done);
                }).ok());
    ++entry.instance.version;
  }
  // The later instances of some correlations end: where the first running instance ended
  // above, its correlation stays active at this one until then.
  for (std::size_t k = 0; k < others_.size(); k += 3) {
    auto& other = others_[k];
    if (other.state != ProcessInstanceState::running) continue;
    other.state = ProcessInstanceState::error;
    other.finished_at_ms = other.created_at_ms + 1;
    ASSERT_TRUE(await_result<Ok>([&](auto done) { store().commit(transition(other, other.version), done); }).ok());
    ++other.version;
  }
  // Retention removes every ended instance (all ended long ago): a correlation whose earlier
  // instance goes is placed at its next one again, and one left without instances goes.
  const auto removed = await_result<std::size_t>(
      [&](auto done) { store().remove_ended_instances(std::int64_t{1} << 50, 100'000, done); });
  ASSERT_TRUE(removed.ok());
  std::size_t ended = 0;
  for (const auto* instance : all_instances()) ended += instance->state != ProcessInstanceState::running ? 1 : 0;
  EXPECT_EQ(removed.value(), ended);
  std::erase_if(entries_, [](const Entry& entry) { return entry.instance.state != ProcessInstanceState::running; });
  std::erase_if(others_, [](const auto& other) { return other.state != ProcessInstanceState::running; });
  for (int i = 0; i < 300; ++i) {
    Entry entry;
    const std::int64_t at = 3'000'000 + i * 5;  // between the spread and the crowded seconds
    entry.instance = make_instance(numbered("px", i), "m0", numbered("cx", i), "alice", at);
    entry.task = make_node(entry.instance, numbered("nx", i), "task", at, "bpmn:UserTask", FlowNodeState::suspended);
    ASSERT_TRUE(await_result<Ok>([&](auto done) { store().commit(creation(entry.instance, {entry.task}), done); }).ok());
    entry.instance.version = 1;
    entries_.push_back(std::move(entry));
  }
  expect_every_list();
  fold();  // the changes fold into the ranges again
  expect_every_list(true);
}


// Folds run beside commits that change entries of old seconds (the rows a fold rewrites):
// the counts stay exact. A commit that meets a fold's rows waits for it (or, after a
// deadlock, PostgreSQL aborts one of the two: the commit runs again, the fold comes later).
TEST_F(StorePositionsTest, CountsStayExactWhileFoldsRunBesideCommits) {
  // Batches of commits in flight on the store's pool while a fold runs on a connection of its
  // own. When the two deadlock, PostgreSQL aborts one: a fold leaves its work to the next, a
  // commit is answered as a conflict (the engine runs such a transition again; here it is
  // sent again as it was).
  pqxx::connection folding(harness_->config().conninfo());
  int folds = 0;
  std::vector<std::size_t> batch;
  for (std::size_t i = 0; i < entries_.size(); i += 11) {
    batch.push_back(i);
    if (batch.size() < 40 && i + 11 < entries_.size()) continue;
    std::vector<std::future<Status>> commits;
    for (const std::size_t k : batch) {
      auto& entry = entries_[k];
      entry.task.state = FlowNodeState::finished;
      entry.task.finished_at_ms = entry.task.created_at_ms + 1;
      entry.instance.state = ProcessInstanceState::finished;
      entry.instance.finished_at_ms = entry.task.finished_at_ms;
      auto promise = std::make_shared<std::promise<Status>>();
      commits.push_back(promise->get_future());
      store().commit(transition(entry.instance, entry.instance.version, {entry.task}),
                     [promise](Status status) { promise->set_value(std::move(status)); });
    }
    try {
      plugins::pg_store::fold_kept_counts(folding);
      ++folds;
    } catch (const pqxx::transaction_rollback&) {
    }
    for (std::size_t n = 0; n < batch.size(); ++n) {
      auto& entry = entries_[batch[n]];
      auto committed = commits[n].get();
      for (int again = 0; !committed.ok() && committed.error().status == ErrorStatus::conflict && again < 5; ++again) {
        committed = await_result<Ok>([&](auto done) {
          store().commit(transition(entry.instance, entry.instance.version, {entry.task}), done);
        });
      }
      ASSERT_TRUE(committed.ok()) << committed.error().message;
      ++entry.instance.version;
    }
    batch.clear();
  }
  EXPECT_GE(folds, 5) << "too few folds ran beside the commits";
  fold();
  pqxx::connection connection(harness_->config().conninfo());
  pqxx::nontransaction tx(connection);
  const auto same = [&](const std::string& kept, const std::string& counted) {
    EXPECT_EQ(tx.exec1(kept)[0].as<std::int64_t>(), tx.exec1(counted)[0].as<std::int64_t>()) << kept;
  };
  same("SELECT sum(n) FROM processhost_waiting_counts",
       "SELECT count(*) FROM processhost_flow_node_instances WHERE state = 'suspended'");
  same("SELECT sum(n) FROM processhost_owner_waiting_counts WHERE owner_user_id = 'alice'",
       "SELECT count(*) FROM processhost_flow_node_instances WHERE state = 'suspended' AND owner_user_id = 'alice'");
  same("SELECT sum(n) FROM processhost_instance_counts WHERE state = 'running'",
       "SELECT count(*) FROM processhost_process_instances WHERE state = 'running'");
  same("SELECT sum(n_active_correlations) FROM processhost_instance_counts",
       "SELECT count(DISTINCT correlation_id) FROM processhost_process_instances WHERE state = 'running'");
  expect_every_list();
}

}  // namespace
}  // namespace processhost::test
