// The Store contract's history calls (cron history, flow node run times, history retention),
// run against pg_store and the engine's MemoryStore alike.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "processhost/engine/memory_store.hpp"
#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

class HistoryMemoryStoreHarness final : public StoreHarness {
 public:
  Store& store() override { return store_; }
  static std::unique_ptr<StoreHarness> create() { return std::make_unique<HistoryMemoryStoreHarness>(); }

 private:
  engine::MemoryStore store_;
};
using HistoryStoreKinds = ::testing::Types<PgStoreHarness, HistoryMemoryStoreHarness>;

template <class Harness>
class StoreHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_ = Harness::create(); }
  void TearDown() override { harness_.reset(); }
  Store& store() { return harness_->store(); }

  void commit(ChangeSet changes) {
    auto status = await_result<Ok>([&](auto done) { store().commit(std::move(changes), done); });
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  void record(const std::string& model, const std::string& start, const std::string& crontab,
              const std::string& instance, std::int64_t at) {
    auto status = await_result<Ok>([&](auto done) {
      store().record_cronjob_execution({model, start, crontab, instance, at}, done);
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  PagedList<CronjobExecutionRecord> history(CronjobHistoryQuery query) {
    auto result = await_result<PagedList<CronjobExecutionRecord>>(
        [&](auto done) { store().query_cronjob_history(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : PagedList<CronjobExecutionRecord>{};
  }
  PagedList<FlowNodeRuntimeRecord> runtimes(FlowNodeRuntimeQuery query) {
    auto result = await_result<PagedList<FlowNodeRuntimeRecord>>(
        [&](auto done) { store().flow_node_runtimes(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : PagedList<FlowNodeRuntimeRecord>{};
  }
  std::size_t remove(std::int64_t before, std::size_t max) {
    auto result = await_result<std::size_t>([&](auto done) { store().remove_ended_instances(before, max, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : 0;
  }
  std::size_t instance_count() {
    auto result = await_result<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { store().query_instances(InstanceQuery{}, done); });
    return result.ok() ? result.value().total_count : 0;
  }
  // The list's total as a full first page of one reports it: counted by the store, not
  // taken from the rows read.
  std::size_t total_of(InstanceQuery query) {
    query.page = {0, 1};
    auto result = await_result<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { store().query_instances(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value().total_count : 0;
  }
  std::size_t total_of(FlowNodeQuery query) {
    query.page = {0, 1};
    auto result = await_result<PagedList<FlowNodeInstanceRecord>>(
        [&](auto done) { store().query_flow_nodes(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value().total_count : 0;
  }
  bool exists(const std::string& id) {
    auto result = await_result<std::optional<ProcessInstanceRecord>>([&](auto done) { store().load_instance(id, done); });
    return result.ok() && result.value().has_value();
  }

  std::unique_ptr<StoreHarness> harness_;
};

TYPED_TEST_SUITE(StoreHistoryTest, HistoryStoreKinds);

TYPED_TEST(StoreHistoryTest, CronHistoryIsFilteredOrderedAndPaged) {
  this->record("model_a", "cron_1", "*/5 * * * * *", "i3", 3000);
  this->record("model_a", "cron_1", "*/5 * * * * *", "i1", 1000);
  this->record("model_a", "cron_2", "0 * * * * *", "i2", 2000);
  this->record("model_b", "cron_1", "*/5 * * * * *", "i4", 4000);

  CronjobHistoryQuery by_model;
  by_model.process_model_id = "model_a";
  const auto all = this->history(by_model);
  ASSERT_EQ(all.total_count, 3u);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[0].process_instance_id, "i1");
  EXPECT_EQ(all.items[1].process_instance_id, "i2");
  EXPECT_EQ(all.items[2].process_instance_id, "i3");
  EXPECT_EQ(all.items[0].executed_at_ms, 1000);
  EXPECT_EQ(all.items[0].crontab, "*/5 * * * * *");
  EXPECT_EQ(all.items[1].start_event_id, "cron_2");

  auto one_start = by_model;
  one_start.start_event_id = "cron_1";
  EXPECT_EQ(this->history(one_start).total_count, 2u);

  CronjobHistoryQuery by_crontab;
  by_crontab.crontab = "*/5 * * * * *";
  by_crontab.page = {1, 1};
  const auto page = this->history(by_crontab);
  EXPECT_EQ(page.total_count, 3u);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].process_instance_id, "i3");
  by_crontab.page = {10, 1};
  const auto past_end = this->history(by_crontab);
  EXPECT_EQ(past_end.total_count, 3u);
  EXPECT_TRUE(past_end.items.empty());
}

// Run times of a running instance's finished nodes (the memory store keeps the flow nodes of
// running instances only): task_1 ran 100, 200, 300 and 1000 ms.
TYPED_TEST(StoreHistoryTest, RuntimesAggregatePerFlowNode) {
  auto instance = make_instance("i1", "model_a");
  std::vector<FlowNodeInstanceRecord> nodes;
  const std::int64_t runs[] = {100, 200, 300, 1000};
  int n = 0;
  for (const auto run : runs) {
    auto node = make_node(instance, "t" + std::to_string(n), "task_1", 10 * n, "bpmn:ScriptTask", FlowNodeState::finished);
    node.finished_at_ms = node.created_at_ms + run;
    nodes.push_back(node);
    ++n;
  }
  auto start = make_node(instance, "s", "start", 0, "bpmn:StartEvent", FlowNodeState::finished);
  start.finished_at_ms = 5;
  nodes.push_back(start);
  nodes.push_back(make_node(instance, "w", "wait", 50, "bpmn:UserTask", FlowNodeState::suspended));
  this->commit(creation(instance, nodes));
  auto other = make_instance("i2", "model_b");
  auto foreign = make_node(other, "x", "task_1", 1, "bpmn:ScriptTask", FlowNodeState::finished);
  foreign.finished_at_ms = 100000;
  this->commit(creation(other, {foreign}));

  FlowNodeRuntimeQuery query;
  query.process_model_id = "model_a";
  const auto all = this->runtimes(query);
  ASSERT_EQ(all.total_count, 2u) << "start and task_1; the waiting node has no run time";
  ASSERT_EQ(all.items.size(), 2u);
  EXPECT_EQ(all.items[0].flow_node_id, "start");
  EXPECT_EQ(all.items[0].count, 1u);
  EXPECT_EQ(all.items[0].max_ms, 5);
  const auto& task = all.items[1];
  EXPECT_EQ(task.flow_node_id, "task_1");
  EXPECT_EQ(task.process_model_id, "model_a");
  EXPECT_EQ(task.count, 4u);
  EXPECT_DOUBLE_EQ(task.mean_ms, 400.0);
  EXPECT_DOUBLE_EQ(task.first_quartile_ms, 175.0);  // percentile_cont: 100 + 0.75 * (200 - 100)
  EXPECT_DOUBLE_EQ(task.median_ms, 250.0);
  EXPECT_DOUBLE_EQ(task.third_quartile_ms, 475.0);  // 300 + 0.25 * (1000 - 300)
  EXPECT_EQ(task.min_ms, 100);
  EXPECT_EQ(task.max_ms, 1000);

  query.flow_node_id = "task_1";
  const auto one = this->runtimes(query);
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.items[0].max_ms, 1000);
  query.flow_node_id = "nothing";
  EXPECT_TRUE(this->runtimes(query).items.empty());

  FlowNodeRuntimeQuery paged;
  paged.process_model_id = "model_a";
  paged.page = {1, 1};
  const auto second = this->runtimes(paged);
  EXPECT_EQ(second.total_count, 2u);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].flow_node_id, "task_1");
}

// Ended instances before the cut-off go, in batches of max, with their cron history and
// their counts in the lists' totals; running ones and those that ended later stay.
TYPED_TEST(StoreHistoryTest, RetentionRemovesEndedInstancesInBatches) {
  const auto end_at = [&](const std::string& id, ProcessInstanceState state, std::int64_t finished_at) {
    auto instance = make_instance(id, "model_a", "corr_" + id, "alice", 100);
    this->commit(creation(instance, {make_node(instance, id + "_n", "task_1", 110)}));
    instance.state = state;
    instance.finished_at_ms = finished_at;
    auto node = make_node(instance, id + "_n", "task_1", 110, "bpmn:UserTask", FlowNodeState::finished);
    node.finished_at_ms = finished_at;
    this->commit(transition(instance, 1, {node}));
  };
  end_at("old_1", ProcessInstanceState::finished, 1000);
  end_at("old_2", ProcessInstanceState::terminated, 2000);
  end_at("old_3", ProcessInstanceState::error, 3000);
  end_at("recent", ProcessInstanceState::finished, 9000);
  auto running = make_instance("running", "model_a", "corr_r", "alice", 50);
  this->commit(creation(running, {make_node(running, "r_n", "task_1", 60)}));
  this->record("model_a", "cron_1", "* * * * * *", "old_1", 100);
  this->record("model_a", "cron_1", "* * * * * *", "recent", 100);

  InstanceQuery of_model;
  of_model.process_model_id = "model_a";
  EXPECT_EQ(this->total_of(of_model), 5u);
  EXPECT_EQ(this->remove(5000, 2), 2u);
  EXPECT_EQ(int{this->exists("old_1")} + int{this->exists("old_2")} + int{this->exists("old_3")}, 1);
  EXPECT_EQ(this->total_of(of_model), 3u);
  EXPECT_EQ(this->remove(5000, 2), 1u) << "fewer than max: nothing left to remove";
  EXPECT_EQ(this->remove(5000, 2), 0u);
  EXPECT_FALSE(this->exists("old_1"));
  EXPECT_FALSE(this->exists("old_2"));
  EXPECT_FALSE(this->exists("old_3"));
  EXPECT_TRUE(this->exists("recent"));
  EXPECT_TRUE(this->exists("running"));
  EXPECT_EQ(this->instance_count(), 2u);
  EXPECT_EQ(this->total_of(of_model), 2u);
  for (const auto state : {ProcessInstanceState::running, ProcessInstanceState::finished}) {
    InstanceQuery in_state;
    in_state.state = state;
    EXPECT_EQ(this->total_of(in_state), 1u) << name_of(state);
  }
  for (const auto state : {ProcessInstanceState::terminated, ProcessInstanceState::error}) {
    InstanceQuery in_state;
    in_state.state = state;
    EXPECT_EQ(this->total_of(in_state), 0u) << name_of(state);
  }
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  EXPECT_EQ(this->total_of(waiting), 1u) << "the running instance's task";

  CronjobHistoryQuery cron;
  cron.process_model_id = "model_a";
  const auto kept = this->history(cron);
  ASSERT_EQ(kept.total_count, 1u) << "the removed instance's execution went with it";
  EXPECT_EQ(kept.items[0].process_instance_id, "recent");

  FlowNodeQuery nodes_of_removed;
  nodes_of_removed.process_instance_id = "old_1";
  auto nodes = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { this->store().query_flow_nodes(nodes_of_removed, done); });
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes.value().total_count, 0u);
}

}  // namespace
}  // namespace processhost::test
