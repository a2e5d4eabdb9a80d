// The Store contract (host/include/processhost/services/store.hpp), run against every
// Store implementation: pg_store and, when the engine library is built, its MemoryStore.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>
#include <tuple>

#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

using StoreKinds = ::testing::Types<PgStoreHarness, MemoryStoreHarness>;

template <class Harness>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_ = Harness::create(); }
  void TearDown() override { harness_.reset(); }
  Store& store() { return harness_->store(); }

  Status commit(ChangeSet changes) {
    auto status = await_result<Ok>([&](auto done) { store().commit(std::move(changes), done); });
    if (!status.ok()) std::cerr << "commit: " << status.error().message << "\n";
    return status;
  }
  std::optional<ProcessInstanceRecord> load(const std::string& id) {
    auto result = await_result<std::optional<ProcessInstanceRecord>>(
        [&](auto done) { store().load_instance(id, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : std::nullopt;
  }
  PagedList<FlowNodeInstanceRecord> nodes(FlowNodeQuery query) {
    auto result = await_result<PagedList<FlowNodeInstanceRecord>>(
        [&](auto done) { store().query_flow_nodes(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : PagedList<FlowNodeInstanceRecord>{};
  }
  PagedList<ProcessInstanceRecord> instances(InstanceQuery query) {
    auto result = await_result<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { store().query_instances(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : PagedList<ProcessInstanceRecord>{};
  }
  std::vector<std::string> node_ids(FlowNodeQuery query) {
    std::vector<std::string> ids;
    for (const auto& node : nodes(std::move(query)).items) ids.push_back(node.id);
    return ids;
  }
  std::vector<ExternalTaskRecord> lock(const std::string& topic, const std::string& worker, std::size_t max,
                                       std::int64_t now, std::int64_t until) {
    auto result = await_result<std::vector<ExternalTaskRecord>>(
        [&](auto done) { store().lock_external_tasks(topic, worker, max, now, until, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : std::vector<ExternalTaskRecord>{};
  }

  // Three instances: i1 (model_a, corr_1, alice), i2 (model_b, corr_1, bob), i3 (model_a, corr_2, bob).
  void seed_waiting_nodes() {
    auto i1 = make_instance("i1", "model_a", "corr_1", "alice", 100);
    auto i2 = make_instance("i2", "model_b", "corr_1", "bob", 200);
    auto i3 = make_instance("i3", "model_a", "corr_2", "bob", 300);
    auto message = make_node(i2, "n4", "catch_message", 40, "bpmn:IntermediateCatchEvent");
    message.event_type = "messageEvent";
    message.event_name = "payment";
    auto signal = make_node(i3, "n6", "catch_signal", 60, "bpmn:IntermediateCatchEvent");
    signal.event_type = "signalEvent";
    signal.event_name = "go";
    ASSERT_TRUE(commit(creation(i1, {make_node(i1, "n1", "user_1", 10, "bpmn:UserTask", FlowNodeState::suspended, "lane_a"),
                                     make_node(i1, "n2", "manual_1", 20, "bpmn:ManualTask", FlowNodeState::suspended, ""),
                                     make_node(i1, "n0", "start", 5, "bpmn:StartEvent", FlowNodeState::finished, "")}))
                    .ok());
    ASSERT_TRUE(commit(creation(i2, {make_node(i2, "n3", "user_2", 30, "bpmn:UserTask", FlowNodeState::suspended, "lane_b"),
                                     message}))
                    .ok());
    ASSERT_TRUE(commit(creation(i3, {make_node(i3, "n5", "empty_1", 50, "bpmn:Task", FlowNodeState::suspended, "lane_a"),
                                     signal}))
                    .ok());
  }

  std::unique_ptr<StoreHarness> harness_;
};

TYPED_TEST_SUITE(StoreContractTest, StoreKinds);

TYPED_TEST(StoreContractTest, CommitCreatesInstanceAtVersionOne) {
  auto instance = make_instance("i1");
  instance.parent_process_instance_id = "parent_1";
  ASSERT_TRUE(this->commit(creation(instance)).ok());
  const auto loaded = this->load("i1");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->version, 1);
  EXPECT_EQ(loaded->process_model_id, "model_a");
  EXPECT_EQ(loaded->process_model_hash, "hash_1");
  EXPECT_EQ(loaded->correlation_id, "corr_1");
  EXPECT_EQ(loaded->parent_process_instance_id, "parent_1");
  EXPECT_EQ(loaded->owner_user_id, "alice");
  EXPECT_EQ(loaded->state, ProcessInstanceState::running);
  EXPECT_EQ(loaded->created_at_ms, 1000);
  EXPECT_TRUE(json_equal(loaded->owner_identity, instance.owner_identity)) << loaded->owner_identity;
  EXPECT_TRUE(json_equal(loaded->runtime_state, instance.runtime_state)) << loaded->runtime_state;
  EXPECT_TRUE(json_equal(loaded->error, "null"));
  EXPECT_FALSE(this->load("missing").has_value());
}

TYPED_TEST(StoreContractTest, CreatingAnExistingInstanceIsAConflict) {
  ASSERT_TRUE(this->commit(creation(make_instance("i1"))).ok());
  auto again = make_instance("i1", "model_other");
  const auto result = this->commit(creation(again, {make_node(again, "n9", "task", 9)}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, ErrorStatus::conflict);
  EXPECT_EQ(this->load("i1")->process_model_id, "model_a");
  EXPECT_EQ(this->nodes({}).total_count, 0u);
}

TYPED_TEST(StoreContractTest, EachCommitAdvancesTheVersionAndAStaleOneChangesNothing) {
  auto instance = make_instance("i1");
  ASSERT_TRUE(this->commit(creation(instance, {make_node(instance, "n1", "task_1", 10)})).ok());
  instance.runtime_state = R"({"tokens":[]})";
  auto finished = make_node(instance, "n1", "task_1", 10, "bpmn:UserTask", FlowNodeState::finished);
  finished.token_on_exit = R"({"form_fields":{"ok":true}})";
  ASSERT_TRUE(this->commit(transition(instance, 1, {finished})).ok());
  auto loaded = this->load("i1");
  EXPECT_EQ(loaded->version, 2);
  EXPECT_TRUE(json_equal(loaded->runtime_state, R"({"tokens":[]})")) << loaded->runtime_state;

  auto stale = instance;
  stale.state = ProcessInstanceState::error;
  const auto result = this->commit(transition(stale, 1, {make_node(stale, "n2", "task_2", 20)}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, ErrorStatus::conflict);
  loaded = this->load("i1");
  EXPECT_EQ(loaded->version, 2);
  EXPECT_EQ(loaded->state, ProcessInstanceState::running);
  FlowNodeQuery by_instance;
  by_instance.process_instance_id = "i1";
  const auto listed = this->nodes(by_instance);
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].state, FlowNodeState::finished);
  EXPECT_TRUE(json_equal(listed.items[0].token_on_exit, finished.token_on_exit));
}

TYPED_TEST(StoreContractTest, UpdatingAnUnknownInstanceIsAConflict) {
  const auto result = this->commit(transition(make_instance("nobody"), 3));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, ErrorStatus::conflict);
  EXPECT_FALSE(this->load("nobody").has_value());
}

TYPED_TEST(StoreContractTest, FlowNodesAreReplacedById) {
  auto instance = make_instance("i1");
  ASSERT_TRUE(this->commit(creation(instance, {make_node(instance, "n1", "task_1", 10)})).ok());
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  EXPECT_EQ(this->node_ids(waiting), std::vector<std::string>{"n1"});
  ASSERT_TRUE(this->commit(transition(instance, 1,
                                      {make_node(instance, "n1", "task_1", 10, "bpmn:UserTask", FlowNodeState::finished),
                                       make_node(instance, "n2", "task_2", 20)}))
                  .ok());
  EXPECT_EQ(this->node_ids(waiting), std::vector<std::string>{"n2"});
  FlowNodeQuery all;
  all.process_instance_id = "i1";
  EXPECT_EQ(this->node_ids(all), (std::vector<std::string>{"n1", "n2"}));
}

TYPED_TEST(StoreContractTest, FlowNodeQueriesFilterByEveryField) {
  this->seed_waiting_nodes();
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  EXPECT_EQ(this->node_ids(waiting), (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5", "n6"}));

  auto by_model = waiting;
  by_model.process_model_id = "model_a";
  EXPECT_EQ(this->node_ids(by_model), (std::vector<std::string>{"n1", "n2", "n5", "n6"}));
  auto by_instance = waiting;
  by_instance.process_instance_id = "i2";
  EXPECT_EQ(this->node_ids(by_instance), (std::vector<std::string>{"n3", "n4"}));
  auto by_correlation = waiting;
  by_correlation.correlation_id = "corr_1";
  EXPECT_EQ(this->node_ids(by_correlation), (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  auto by_correlation_and_model = by_correlation;
  by_correlation_and_model.process_model_id = "model_b";
  EXPECT_EQ(this->node_ids(by_correlation_and_model), (std::vector<std::string>{"n3", "n4"}));
  auto by_owner = waiting;
  by_owner.owner_user_id = "bob";
  EXPECT_EQ(this->node_ids(by_owner), (std::vector<std::string>{"n3", "n4", "n5", "n6"}));
  auto by_types = waiting;
  by_types.flow_node_types = {"bpmn:UserTask", "bpmn:Task"};
  EXPECT_EQ(this->node_ids(by_types), (std::vector<std::string>{"n1", "n3", "n5"}));

  auto events = waiting;
  events.events_only = true;
  EXPECT_EQ(this->node_ids(events), (std::vector<std::string>{"n4", "n6"}));
  auto by_event_name = waiting;
  by_event_name.event_name = "payment";
  EXPECT_EQ(this->node_ids(by_event_name), std::vector<std::string>{"n4"});
  auto by_event_type = waiting;
  by_event_type.event_type = "signalEvent";
  EXPECT_EQ(this->node_ids(by_event_type), std::vector<std::string>{"n6"});

  FlowNodeQuery finished;
  finished.state = FlowNodeState::finished;
  EXPECT_EQ(this->node_ids(finished), std::vector<std::string>{"n0"});
  FlowNodeQuery any_state;
  any_state.process_instance_id = "i1";
  EXPECT_EQ(this->node_ids(any_state), (std::vector<std::string>{"n0", "n1", "n2"}));
}

TYPED_TEST(StoreContractTest, LaneFilterKeepsNodesWithoutLaneAndInVisibleLanes) {
  this->seed_waiting_nodes();
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.flow_node_types = {"bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"};
  EXPECT_EQ(this->node_ids(query), (std::vector<std::string>{"n1", "n2", "n3", "n5"}));
  query.lanes = std::vector<std::string>{"lane_a"};
  EXPECT_EQ(this->node_ids(query), (std::vector<std::string>{"n1", "n2", "n5"}));
  query.lanes = std::vector<std::string>{"lane_b", "lane_x"};
  EXPECT_EQ(this->node_ids(query), (std::vector<std::string>{"n2", "n3"}));
  query.lanes = std::vector<std::string>{};
  EXPECT_EQ(this->node_ids(query), std::vector<std::string>{"n2"});
}

TYPED_TEST(StoreContractTest, FlowNodePagingReportsTheTotalBeforePaging) {
  this->seed_waiting_nodes();
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.page = {1, 2};
  auto page = this->nodes(query);
  EXPECT_EQ(page.total_count, 6u);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, "n2");
  EXPECT_EQ(page.items[1].id, "n3");
  query.page = {4, 0};
  page = this->nodes(query);
  EXPECT_EQ(page.total_count, 6u);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].id, "n6");
  query.page = {10, 5};
  page = this->nodes(query);
  EXPECT_EQ(page.total_count, 6u);
  EXPECT_TRUE(page.items.empty());
  FlowNodeQuery none;
  none.correlation_id = "no_such_correlation";
  page = this->nodes(none);
  EXPECT_EQ(page.total_count, 0u);
  EXPECT_TRUE(page.items.empty());
}

TYPED_TEST(StoreContractTest, NodesCreatedAtTheSameTimeAreOrderedById) {
  auto instance = make_instance("i1");
  ASSERT_TRUE(this->commit(creation(instance, {make_node(instance, "b", "t", 7), make_node(instance, "c", "t", 7),
                                               make_node(instance, "a", "t", 7)}))
                  .ok());
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  EXPECT_EQ(this->node_ids(query), (std::vector<std::string>{"a", "b", "c"}));
}

TYPED_TEST(StoreContractTest, FlowNodeRecordsRoundTrip) {
  auto instance = make_instance("i1");
  auto node = make_node(instance, "n1", "catch_1", 10, "bpmn:IntermediateCatchEvent", FlowNodeState::suspended, "lane_a");
  node.event_type = "messageEvent";
  node.event_name = "quote \" and 'apostrophe' \\ ünïcode";
  node.previous_flow_node_instance_id = "n0";
  node.token_on_enter = R"({"current":{"list":[1,2.5,"x",null,true],"nested":{"k":"v"}},"history":{"a":{}}})";
  node.error = R"({"code":"E1","message":"bad"})";
  node.finished_at_ms = 0;
  ASSERT_TRUE(this->commit(creation(instance, {node})).ok());
  FlowNodeQuery query;
  query.event_name = node.event_name;
  const auto listed = this->nodes(query);
  ASSERT_EQ(listed.items.size(), 1u);
  const auto& got = listed.items[0];
  EXPECT_EQ(got.process_instance_id, "i1");
  EXPECT_EQ(got.process_model_id, "model_a");
  EXPECT_EQ(got.correlation_id, "corr_1");
  EXPECT_EQ(got.owner_user_id, "alice");
  EXPECT_EQ(got.flow_node_id, "catch_1");
  EXPECT_EQ(got.flow_node_name, "Name of catch_1");
  EXPECT_EQ(got.flow_node_type, "bpmn:IntermediateCatchEvent");
  EXPECT_EQ(got.flow_node_lane, "lane_a");
  EXPECT_EQ(got.event_type, "messageEvent");
  EXPECT_EQ(got.event_name, node.event_name);
  EXPECT_EQ(got.state, FlowNodeState::suspended);
  EXPECT_EQ(got.previous_flow_node_instance_id, "n0");
  EXPECT_TRUE(json_equal(got.token_on_enter, node.token_on_enter)) << got.token_on_enter;
  EXPECT_TRUE(json_equal(got.token_on_exit, "null"));
  EXPECT_TRUE(json_equal(got.error, node.error));
  EXPECT_EQ(got.created_at_ms, 10);
}

TYPED_TEST(StoreContractTest, InstanceQueriesFilterAndPage) {
  this->seed_waiting_nodes();
  auto i3 = make_instance("i3", "model_a", "corr_2", "bob", 300);
  i3.state = ProcessInstanceState::finished;
  ASSERT_TRUE(this->commit(transition(i3, 1)).ok());
  auto ids = [this](InstanceQuery query) {
    std::vector<std::string> result;
    for (const auto& instance : this->instances(std::move(query)).items) result.push_back(instance.id);
    return result;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"i1", "i2", "i3"}));
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  EXPECT_EQ(ids(running), (std::vector<std::string>{"i1", "i2"}));
  InstanceQuery by_correlation;
  by_correlation.correlation_id = "corr_1";
  EXPECT_EQ(ids(by_correlation), (std::vector<std::string>{"i1", "i2"}));
  InstanceQuery by_model;
  by_model.process_model_id = "model_a";
  EXPECT_EQ(ids(by_model), (std::vector<std::string>{"i1", "i3"}));
  InstanceQuery by_owner;
  by_owner.owner_user_id = "bob";
  EXPECT_EQ(ids(by_owner), (std::vector<std::string>{"i2", "i3"}));
  InstanceQuery paged;
  paged.page = {1, 1};
  const auto page = this->instances(paged);
  EXPECT_EQ(page.total_count, 3u);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, "i2");
  EXPECT_EQ(page.items[0].version, 1);
  paged.page = {5, 1};
  EXPECT_EQ(this->instances(paged).total_count, 3u);
}

TYPED_TEST(StoreContractTest, CorrelationsGroupMatchingInstancesAndPageByFirstInstance) {
  this->seed_waiting_nodes();  // i1 (model_a, corr_1, alice, 100), i2 (model_b, corr_1, bob, 200), i3 (model_a, corr_2, bob, 300)
  auto i3 = make_instance("i3", "model_a", "corr_2", "bob", 300);
  i3.state = ProcessInstanceState::finished;
  ASSERT_TRUE(this->commit(transition(i3, 1)).ok());
  // corr_0's id sorts first, but correlations are ordered by their first instance.
  ASSERT_TRUE(this->commit(creation(make_instance("i4", "model_b", "corr_0", "alice", 400))).ok());
  auto correlations = [this](CorrelationQuery query) {
    auto result = await_result<PagedList<CorrelationRecord>>(
        [&](auto done) { this->store().query_correlations(std::move(query), done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(result).value() : PagedList<CorrelationRecord>{};
  };
  // "corr_1:i1,i2 corr_2:i3 ..." for readable comparisons.
  auto shape = [](const PagedList<CorrelationRecord>& list) {
    std::string text;
    for (const auto& correlation : list.items) {
      if (!text.empty()) text += ' ';
      text += correlation.correlation_id + ":";
      for (std::size_t i = 0; i < correlation.instances.size(); ++i) {
        text += (i ? "," : "") + correlation.instances[i].id;
      }
    }
    return text;
  };
  const auto all = correlations({});
  EXPECT_EQ(shape(all), "corr_1:i1,i2 corr_2:i3 corr_0:i4");
  EXPECT_EQ(all.total_count, 3u);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[0].created_at_ms, 100);
  EXPECT_EQ(all.items[1].instances[0].state, ProcessInstanceState::finished);
  EXPECT_EQ(all.items[0].instances[1].process_model_id, "model_b");
  EXPECT_EQ(all.items[0].instances[1].owner_user_id, "bob");
  EXPECT_EQ(all.items[0].instances[0].runtime_state, "null");

  CorrelationQuery running;
  running.state = ProcessInstanceState::running;
  EXPECT_EQ(shape(correlations(running)), "corr_1:i1,i2 corr_0:i4");
  CorrelationQuery by_model;
  by_model.process_model_id = "model_a";
  EXPECT_EQ(shape(correlations(by_model)), "corr_1:i1 corr_2:i3");
  CorrelationQuery by_owner;
  by_owner.owner_user_id = "bob";
  EXPECT_EQ(shape(correlations(by_owner)), "corr_1:i2 corr_2:i3");
  CorrelationQuery by_id;
  by_id.correlation_id = "corr_1";
  EXPECT_EQ(shape(correlations(by_id)), "corr_1:i1,i2");
  by_id.correlation_id = "unknown";
  EXPECT_EQ(correlations(by_id).total_count, 0u);

  CorrelationQuery paged;
  paged.page = {1, 1};
  const auto page = correlations(paged);
  EXPECT_EQ(shape(page), "corr_2:i3");
  EXPECT_EQ(page.total_count, 3u);
  paged.page = {2, 5};
  EXPECT_EQ(shape(correlations(paged)), "corr_0:i4");
  paged.page = {7, 1};
  const auto past_end = correlations(paged);
  EXPECT_TRUE(past_end.items.empty());
  EXPECT_EQ(past_end.total_count, 3u);
}

TYPED_TEST(StoreContractTest, TimersAreDueEarliestFirstUntilCancelled) {
  auto instance = make_instance("i1");
  auto changes = creation(instance);
  changes.timers_armed = {{"t_late", "i1", "n1", 3000}, {"t_early", "i1", "n2", 1000}, {"t_mid", "i1", "n3", 2000}};
  ASSERT_TRUE(this->commit(changes).ok());

  auto due = await_result<std::vector<TimerRecord>>([&](auto done) { this->store().due_timers(2000, 10, done); });
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, "t_early");
  EXPECT_EQ((*due)[0].process_instance_id, "i1");
  EXPECT_EQ((*due)[0].flow_node_instance_id, "n2");
  EXPECT_EQ((*due)[0].due_at_ms, 1000);
  EXPECT_EQ((*due)[1].id, "t_mid");
  due = await_result<std::vector<TimerRecord>>([&](auto done) { this->store().due_timers(5000, 1, done); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, "t_early");
  auto next = await_result<std::optional<std::int64_t>>([&](auto done) { this->store().next_timer_due(done); });
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.value(), std::optional<std::int64_t>(1000));

  auto cancel = transition(instance, 1);
  cancel.timers_cancelled = {"t_early", "t_late"};
  ASSERT_TRUE(this->commit(cancel).ok());
  due = await_result<std::vector<TimerRecord>>([&](auto done) { this->store().due_timers(9999, 10, done); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, "t_mid");
  auto last = transition(instance, 2);
  last.timers_cancelled = {"t_mid"};
  ASSERT_TRUE(this->commit(last).ok());
  next = await_result<std::optional<std::int64_t>>([&](auto done) { this->store().next_timer_due(done); });
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next.value().has_value());
}

TYPED_TEST(StoreContractTest, ResultsAreFoundByCorrelationAndModel) {
  auto a = make_instance("i1", "model_a", "corr_1");
  auto b = make_instance("i2", "model_b", "corr_1");
  auto changes_a = creation(a);
  changes_a.correlation_results = {{"corr_1", "model_a", "i1", "end_1", "lane_a", R"({"total":3})", 500}};
  auto changes_b = creation(b);
  changes_b.correlation_results = {{"corr_1", "model_b", "i2", "end_9", "", R"("done")", 600}};
  ASSERT_TRUE(this->commit(changes_a).ok());
  ASSERT_TRUE(this->commit(changes_b).ok());
  auto results = await_result<std::vector<CorrelationResultRecord>>(
      [&](auto done) { this->store().query_results("corr_1", "model_a", done); });
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 1u);
  const auto& result = (*results)[0];
  EXPECT_EQ(result.correlation_id, "corr_1");
  EXPECT_EQ(result.process_model_id, "model_a");
  EXPECT_EQ(result.process_instance_id, "i1");
  EXPECT_EQ(result.end_event_id, "end_1");
  EXPECT_EQ(result.end_event_lane, "lane_a");
  EXPECT_TRUE(json_equal(result.token_payload, R"({"total":3})"));
  EXPECT_EQ(result.created_at_ms, 500);
  results = await_result<std::vector<CorrelationResultRecord>>(
      [&](auto done) { this->store().query_results("corr_2", "model_a", done); });
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->empty());
}

TYPED_TEST(StoreContractTest, DefinitionsAreSavedOncePerHash) {
  ProcessDefinitionRecord definition{"model_a", "h1", "<definitions/>", 100};
  auto saved = await_result<Ok>([&](auto done) { this->store().save_definition(definition, done); });
  ASSERT_TRUE(saved.ok());
  saved = await_result<Ok>([&](auto done) { this->store().save_definition(definition, done); });
  ASSERT_TRUE(saved.ok());
  ProcessDefinitionRecord second{"model_a", "h2", "<definitions id=\"2\"/>", 200};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(second, done); }).ok());
  auto loaded = await_result<std::vector<ProcessDefinitionRecord>>(
      [&](auto done) { this->store().load_definitions(done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].hash, "h1");
  EXPECT_EQ((*loaded)[0].xml, "<definitions/>");
  EXPECT_EQ((*loaded)[0].deployed_at_ms, 100);
  EXPECT_EQ((*loaded)[1].hash, "h2");
}

// The store decides each model's latest (docs/cluster.md): an earlier version saved again is
// deployed anew, the latest saved again changes nothing.
TYPED_TEST(StoreContractTest, AnEarlierVersionSavedAgainIsDeployedAnew) {
  for (const auto& [hash, at] : {std::pair{"v1", 100}, std::pair{"v2", 200}}) {
    ProcessDefinitionRecord definition{"model_a", hash, "<definitions/>", at};
    ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(definition, done); }).ok());
  }
  ProcessDefinitionRecord latest_again{"model_a", "v2", "<definitions/>", 300};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(latest_again, done); }).ok());
  auto loaded = await_result<std::vector<ProcessDefinitionRecord>>(
      [&](auto done) { this->store().load_definitions(done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->back().hash, "v2");
  EXPECT_EQ(loaded->back().deployed_at_ms, 200) << "the latest saved again keeps its deployment";

  ProcessDefinitionRecord earlier_again{"model_a", "v1", "<definitions/>", 400};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(earlier_again, done); }).ok());
  loaded = await_result<std::vector<ProcessDefinitionRecord>>([&](auto done) { this->store().load_definitions(done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->back().hash, "v1") << "deployed anew, so now the latest";
  EXPECT_EQ(loaded->back().deployed_at_ms, 400);
  EXPECT_EQ(loaded->front().hash, "v2");
}

TYPED_TEST(StoreContractTest, DeletingAModelKeepsOnlyTheVersionsRunningInstancesRun) {
  for (const auto& [model, hash, at] : {std::tuple{"model_a", "hash_1", 100}, std::tuple{"model_a", "hash_2", 200},
                                        std::tuple{"model_a", "hash_3", 300}, std::tuple{"model_b", "hash_1", 400}}) {
    ProcessDefinitionRecord definition{model, hash, "<definitions/>", at};
    ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(definition, done); }).ok());
  }
  // model_a: hash_1 runs in a running instance, hash_2 only in a finished one.
  ASSERT_TRUE(this->commit(creation(make_instance("i1", "model_a"))).ok());
  auto finished = make_instance("i2", "model_a");
  finished.process_model_hash = "hash_2";
  finished.state = ProcessInstanceState::finished;
  finished.finished_at_ms = 2000;
  ASSERT_TRUE(this->commit(creation(finished)).ok());

  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().delete_definitions("model_a", 5000, done); }).ok());
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().delete_definitions("model_a", 6000, done); }).ok());
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().delete_definitions("unknown", 6000, done); }).ok());

  auto loaded = await_result<std::vector<ProcessDefinitionRecord>>(
      [&](auto done) { this->store().load_definitions(done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].process_model_id, "model_a");
  EXPECT_EQ((*loaded)[0].hash, "hash_1");
  EXPECT_EQ((*loaded)[0].deleted_at_ms, 5000) << "the first deletion's time stays";
  EXPECT_EQ((*loaded)[1].process_model_id, "model_b");
  EXPECT_EQ((*loaded)[1].deleted_at_ms, 0);

  ProcessDefinitionRecord again{"model_a", "hash_1", "<definitions/>", 7000};
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().save_definition(again, done); }).ok());
  loaded = await_result<std::vector<ProcessDefinitionRecord>>([&](auto done) { this->store().load_definitions(done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->back().process_model_id, "model_a") << "deployed anew, so now the latest";
  EXPECT_EQ(loaded->back().deleted_at_ms, 0);
  EXPECT_EQ(loaded->back().deployed_at_ms, 7000);
}

TYPED_TEST(StoreContractTest, ExternalTasksAreLockedByOneWorkerAtATime) {
  auto instance = make_instance("i1");
  auto changes = creation(instance);
  changes.external_tasks = {make_external_task(instance, "x1", "billing", 10),
                            make_external_task(instance, "x2", "billing", 20),
                            make_external_task(instance, "x3", "shipping", 30)};
  ASSERT_TRUE(this->commit(changes).ok());

  std::vector<ExternalTaskRecord> first;
  std::vector<ExternalTaskRecord> second;
  std::thread worker_a([&] { first = this->lock("billing", "worker_a", 1, 1000, 5000); });
  std::thread worker_b([&] { second = this->lock("billing", "worker_b", 1, 1000, 5000); });
  worker_a.join();
  worker_b.join();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(first[0].task.id, second[0].task.id);
  EXPECT_EQ(first[0].task.worker_id, "worker_a");
  EXPECT_EQ(first[0].task.lock_expiration_ms, 5000);
  EXPECT_TRUE(json_equal(first[0].task.payload, R"({"amount":42})"));
  EXPECT_EQ(this->lock("billing", "worker_c", 5, 2000, 6000).size(), 0u);

  const auto relocked = this->lock("billing", "worker_c", 5, 5001, 9000);
  ASSERT_EQ(relocked.size(), 2u);
  EXPECT_EQ(relocked[0].task.id, "x1");
  EXPECT_EQ(relocked[1].task.id, "x2");
  EXPECT_EQ(relocked[0].task.worker_id, "worker_c");

  auto loaded = await_result<std::optional<ExternalTaskRecord>>(
      [&](auto done) { this->store().load_external_task("x1", done); });
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->task.worker_id, "worker_c");
  EXPECT_EQ((*loaded)->task.lock_expiration_ms, 9000);
  EXPECT_EQ((*loaded)->task.topic, "billing");
  EXPECT_EQ((*loaded)->task.flow_node_instance_id, "fni_x1");
  EXPECT_EQ((*loaded)->task.process_instance_id, "i1");
  EXPECT_FALSE((*loaded)->task.result.has_value());
  EXPECT_FALSE((*loaded)->task.finished_at_ms.has_value());
  EXPECT_EQ((*loaded)->version, relocked[0].version);

  auto missing = await_result<std::optional<ExternalTaskRecord>>(
      [&](auto done) { this->store().load_external_task("nope", done); });
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(StoreContractTest, ExternalTaskUpdatesAreVersioned) {
  auto instance = make_instance("i1");
  auto changes = creation(instance);
  changes.external_tasks = {make_external_task(instance, "x1", "billing", 10)};
  ASSERT_TRUE(this->commit(changes).ok());
  const auto locked = this->lock("billing", "worker_a", 1, 100, 1000);
  ASSERT_EQ(locked.size(), 1u);
  auto finished = locked[0];
  finished.task.state = ExternalTaskState::finished;
  finished.task.finished_at_ms = 700;
  finished.task.result = R"({"paid":true})";
  const auto version = locked[0].version;
  ASSERT_TRUE(await_result<Ok>([&](auto done) { this->store().update_external_task(finished, version, done); }).ok());
  const auto stale =
      await_result<Ok>([&](auto done) { this->store().update_external_task(finished, version, done); });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, ErrorStatus::conflict);

  auto loaded = await_result<std::optional<ExternalTaskRecord>>(
      [&](auto done) { this->store().load_external_task("x1", done); });
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->task.state, ExternalTaskState::finished);
  EXPECT_EQ((*loaded)->task.finished_at_ms, std::optional<std::int64_t>(700));
  ASSERT_TRUE((*loaded)->task.result.has_value());
  EXPECT_TRUE(json_equal(*(*loaded)->task.result, R"({"paid":true})"));
  EXPECT_GT((*loaded)->version, version);
  EXPECT_TRUE(this->lock("billing", "worker_b", 1, 5000, 6000).empty()) << "a finished task is never locked";
}

TYPED_TEST(StoreContractTest, ConcurrentCommitsOfDifferentInstancesAllSucceed) {
  constexpr int kInstances = 40;
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kInstances; i += 4) {
        auto instance = make_instance("c" + std::to_string(i), "model_a", "corr", "alice", i);
        if (this->commit(creation(instance, {make_node(instance, "cn" + std::to_string(i), "task", i)})).ok() &&
            this->commit(transition(instance, 1)).ok()) {
          ++succeeded;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), kInstances);
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  EXPECT_EQ(this->nodes(waiting).total_count, static_cast<std::size_t>(kInstances));
  EXPECT_EQ(this->load("c7")->version, 2);
}

TYPED_TEST(StoreContractTest, OfTwoRacingTransitionsExactlyOneCommits) {
  auto instance = make_instance("i1");
  ASSERT_TRUE(this->commit(creation(instance, {make_node(instance, "n1", "task", 10)})).ok());
  for (int round = 0; round < 10; ++round) {
    const std::int64_t expected = round + 1;
    Status first = make_error(ErrorStatus::internal, "not run");
    Status second = make_error(ErrorStatus::internal, "not run");
    auto a = instance;
    a.state = ProcessInstanceState::finished;
    auto b = instance;
    b.state = ProcessInstanceState::terminated;
    std::thread racer_a([&] { first = this->commit(transition(a, expected)); });
    std::thread racer_b([&] { second = this->commit(transition(b, expected)); });
    racer_a.join();
    racer_b.join();
    ASSERT_NE(first.ok(), second.ok()) << "round " << round;
    const auto& loser = first.ok() ? second : first;
    EXPECT_EQ(loser.error().status, ErrorStatus::conflict);
    const auto loaded = this->load("i1");
    EXPECT_EQ(loaded->version, expected + 1);
    EXPECT_EQ(loaded->state, first.ok() ? ProcessInstanceState::finished : ProcessInstanceState::terminated);
  }
}

// Idempotent starts: the first claim of a key records its instance id; every later claim of
// the key, from any caller, answers that id; another key is independent.
TYPED_TEST(StoreContractTest, AStartKeyAnswersTheInstanceOfItsFirstClaim) {
  auto claim = [&](const std::string& key, const std::string& id) {
    auto result =
        await_result<std::string>([&](auto done) { this->store().claim_start_key(key, id, 1'000'000, done); });
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : std::string();
  };
  EXPECT_EQ(claim("alice\nmodel\nk1", "i1"), "i1");
  EXPECT_EQ(claim("alice\nmodel\nk1", "i2"), "i1");
  EXPECT_EQ(claim("alice\nmodel\nk1", "i1"), "i1");
  EXPECT_EQ(claim("bob\nmodel\nk1", "i3"), "i3");

  // Many claims of one key at once: one id wins and every claim answers it.
  std::vector<std::string> answers(8);
  std::vector<std::thread> claimers;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    claimers.emplace_back([&, i] { answers[i] = claim("carol\nmodel\nraced", "r" + std::to_string(i)); });
  }
  for (auto& claimer : claimers) claimer.join();
  for (const auto& answer : answers) EXPECT_EQ(answer, answers.front());
  EXPECT_EQ(answers.front().rfind("r", 0), 0u);
}

}  // namespace
}  // namespace processhost::test
