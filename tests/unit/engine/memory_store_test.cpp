#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::call_sync;

ChangeSet change_set(const std::string& id, std::int64_t expected, ProcessInstanceState state) {
  ChangeSet changes;
  changes.instance.id = id;
  changes.instance.process_model_id = "m";
  changes.instance.correlation_id = "c-" + id;
  changes.instance.owner_user_id = "owner";
  changes.instance.state = state;
  changes.instance.version = expected + 1;
  changes.instance.created_at_ms = 100;
  changes.expected_version = expected;
  return changes;
}

FlowNodeInstanceRecord task_record(const std::string& id, const std::string& instance, const std::string& lane,
                                   std::int64_t created, FlowNodeState state = FlowNodeState::suspended) {
  FlowNodeInstanceRecord record;
  record.id = id;
  record.process_instance_id = instance;
  record.process_model_id = "m";
  record.correlation_id = "c-" + instance;
  record.owner_user_id = "owner";
  record.flow_node_id = "UserTask_" + id;
  record.flow_node_type = "bpmn:UserTask";
  record.flow_node_lane = lane;
  record.state = state;
  record.created_at_ms = created;
  return record;
}

TEST(MemoryStore, CommitChecksTheExpectedVersion) {
  MemoryStore store;
  auto commit = [&](ChangeSet changes) { return call_sync<Ok>([&](auto done) { store.commit(changes, done); }); };
  EXPECT_TRUE(commit(change_set("i1", 0, ProcessInstanceState::running)));
  auto duplicate = commit(change_set("i1", 0, ProcessInstanceState::running));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().status, ErrorStatus::conflict);
  EXPECT_TRUE(commit(change_set("i1", 1, ProcessInstanceState::running)));
  auto stale = commit(change_set("i1", 1, ProcessInstanceState::running));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().status, ErrorStatus::conflict);
  auto loaded = call_sync<std::optional<ProcessInstanceRecord>>([&](auto done) { store.load_instance("i1", done); });
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(loaded.value()->version, 2);
}

TEST(MemoryStore, SuspendedQueriesFilterByLaneAndPageInCreationOrder) {
  MemoryStore store;
  auto changes = change_set("i1", 0, ProcessInstanceState::running);
  changes.flow_node_instances = {task_record("t3", "i1", "LaneA", 30), task_record("t1", "i1", "LaneA", 10),
                                 task_record("t2", "i1", "Restricted", 20), task_record("t4", "i1", "", 40),
                                 task_record("done", "i1", "LaneA", 5, FlowNodeState::finished)};
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(changes, done); }));
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.lanes = std::vector<std::string>{"LaneA"};
  auto all = call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(query, done); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total_count, 3u);
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].id, "t1");
  EXPECT_EQ(all->items[1].id, "t3");
  EXPECT_EQ(all->items[2].id, "t4");
  query.page = {1, 1};
  auto page = call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(query, done); });
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "t3");
  EXPECT_EQ(page->total_count, 3u);
  query.lanes.reset();
  query.page = {};
  auto every = call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(query, done); });
  EXPECT_EQ(every->items.size(), 4u);
}

TEST(MemoryStore, EndingAnInstanceDropsItsFlowNodesButKeepsResults) {
  MemoryStore store;
  auto first = change_set("i1", 0, ProcessInstanceState::running);
  first.flow_node_instances = {task_record("t1", "i1", "", 10)};
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(first, done); }));
  auto last = change_set("i1", 1, ProcessInstanceState::finished);
  last.correlation_results.push_back({"c-i1", "m", "i1", "End", "", "{\"x\":1}", 20});
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(last, done); }));
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  auto waiting = call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(query, done); });
  EXPECT_TRUE(waiting->items.empty());
  auto results =
      call_sync<std::vector<CorrelationResultRecord>>([&](auto done) { store.query_results("c-i1", "m", done); });
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(results->at(0).token_payload, "{\"x\":1}");
  InstanceQuery by_owner;
  by_owner.owner_user_id = "owner";
  auto owned = call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store.query_instances(by_owner, done); });
  ASSERT_EQ(owned->items.size(), 1u);
  EXPECT_EQ(owned->items[0].state, ProcessInstanceState::finished);
}

Result<std::vector<CorrelationResultRecord>> results(MemoryStore& store, const std::string& correlation,
                                                     const std::string& model) {
  return call_sync<std::vector<CorrelationResultRecord>>(
      [&](auto done) { store.query_results(correlation, model, done); });
}

Result<PagedList<FlowNodeInstanceRecord>> nodes(MemoryStore& store, const FlowNodeQuery& query) {
  return call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(query, done); });
}

Result<std::optional<ProcessInstanceRecord>> load(MemoryStore& store, const std::string& id) {
  return call_sync<std::optional<ProcessInstanceRecord>>([&](auto done) { store.load_instance(id, done); });
}

Status commit(MemoryStore& store, const ChangeSet& changes) {
  return call_sync<Ok>([&](auto done) { store.commit(changes, done); });
}

TEST(MemoryStore, AnEndedInstanceLoadsWithEveryField) {
  MemoryStore store;
  auto first = change_set("i1", 0, ProcessInstanceState::running);
  first.instance.process_model_hash = std::string(64, 'a');
  first.instance.parent_process_instance_id = "parent-1";
  first.instance.owner_identity = R"({"userId":"owner","claims":["LaneA"]})";
  first.instance.runtime_state = R"({"v":1,"tokens":[]})";
  ASSERT_TRUE(commit(store, first));
  auto last = first;
  last.expected_version = 1;
  last.instance.version = 2;
  last.instance.state = ProcessInstanceState::error;
  last.instance.error = R"({"message":"boom","code":500})";
  last.instance.runtime_state = "null";
  last.instance.finished_at_ms = 250;
  ASSERT_TRUE(commit(store, last));
  auto loaded = load(store, "i1");
  ASSERT_TRUE(loaded && loaded.value());
  const auto& record = *loaded.value();
  EXPECT_EQ(record.id, "i1");
  EXPECT_EQ(record.process_model_id, "m");
  EXPECT_EQ(record.process_model_hash, std::string(64, 'a'));
  EXPECT_EQ(record.correlation_id, "c-i1");
  EXPECT_EQ(record.parent_process_instance_id, "parent-1");
  EXPECT_EQ(record.owner_user_id, "owner");
  EXPECT_EQ(record.owner_identity, R"({"userId":"owner","claims":["LaneA"]})");
  EXPECT_EQ(record.state, ProcessInstanceState::error);
  EXPECT_EQ(record.error, R"({"message":"boom","code":500})");
  EXPECT_EQ(record.runtime_state, "null");
  EXPECT_EQ(record.version, 2);
  EXPECT_EQ(record.created_at_ms, 100);
  EXPECT_EQ(record.finished_at_ms, 250);
}

TEST(MemoryStore, AnEndedInstanceCanBeCommittedAgainAtItsVersion) {
  MemoryStore store;
  ASSERT_TRUE(commit(store, change_set("i1", 0, ProcessInstanceState::finished)));
  auto stale = commit(store, change_set("i1", 0, ProcessInstanceState::running));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().status, ErrorStatus::conflict);
  auto again = change_set("i1", 1, ProcessInstanceState::running);
  again.flow_node_instances = {task_record("t1", "i1", "", 10)};
  ASSERT_TRUE(commit(store, again));
  auto loaded = load(store, "i1");
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(loaded.value()->state, ProcessInstanceState::running);
  EXPECT_EQ(loaded.value()->version, 2);
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  auto listed = nodes(store, waiting);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].id, "t1");
}

TEST(MemoryStore, ResultsOfACorrelationKeepTheirOrderAcrossInstancesAndModels) {
  MemoryStore store;
  for (int i = 0; i < 3; ++i) {
    auto changes = change_set("i" + std::to_string(i), 0, ProcessInstanceState::finished);
    changes.instance.correlation_id = "shared";
    const std::string model = i == 1 ? "other" : "m";
    const std::string payload = "{\"n\":" + std::to_string(i) + "}";
    changes.correlation_results.push_back(
        {"shared", model, changes.instance.id, "End" + std::to_string(i), "", payload, i});
    ASSERT_TRUE(commit(store, changes));
  }
  auto all = results(store, "shared", "");
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(0).end_event_id, "End0");
  EXPECT_EQ(all->at(1).end_event_id, "End1");
  EXPECT_EQ(all->at(1).process_model_id, "other");
  EXPECT_EQ(all->at(2).token_payload, "{\"n\":2}");
  EXPECT_EQ(all->at(2).process_instance_id, "i2");
  auto of_m = results(store, "shared", "m");
  ASSERT_EQ(of_m->size(), 2u);
  EXPECT_EQ(of_m->at(0).end_event_id, "End0");
  EXPECT_EQ(of_m->at(1).end_event_id, "End2");
  auto none = results(store, "c-i0", "");
  EXPECT_TRUE(none->empty());
}

TEST(MemoryStore, InstancesCreatedOutOfTimeOrderAreListedByCreationTime) {
  MemoryStore store;
  const std::vector<std::pair<std::string, std::int64_t>> created = {{"b", 300}, {"a", 100}, {"c", 300}, {"d", 200}};
  for (const auto& [id, at] : created) {
    auto changes = change_set(id, 0, id == "d" ? ProcessInstanceState::finished : ProcessInstanceState::running);
    changes.instance.created_at_ms = at;
    ASSERT_TRUE(commit(store, changes));
  }
  auto listed = call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store.query_instances({}, done); });
  std::vector<std::string> ids;
  for (const auto& record : listed->items) ids.push_back(record.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "d", "b", "c"}));
  InstanceQuery finished;
  finished.state = ProcessInstanceState::finished;
  auto ended = call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store.query_instances(finished, done); });
  ASSERT_EQ(ended->items.size(), 1u);
  EXPECT_EQ(ended->items[0].id, "d");
}

TEST(MemoryStore, AnInstanceWithManyRecordsReplacesThemById) {
  MemoryStore store;
  auto changes = change_set("i1", 0, ProcessInstanceState::running);
  for (int i = 0; i < 40; ++i) {
    changes.flow_node_instances.push_back(task_record("t" + std::to_string(i), "i1", "", i));
  }
  ASSERT_TRUE(commit(store, changes));
  auto next = change_set("i1", 1, ProcessInstanceState::running);
  for (int i = 0; i < 40; i += 2) {
    next.flow_node_instances.push_back(task_record("t" + std::to_string(i), "i1", "", i, FlowNodeState::finished));
  }
  next.flow_node_instances.push_back(task_record("t40", "i1", "", 40));
  ASSERT_TRUE(commit(store, next));
  FlowNodeQuery of_instance;
  of_instance.process_instance_id = "i1";
  auto all = nodes(store, of_instance);
  EXPECT_EQ(all->total_count, 41u);
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  auto suspended = nodes(store, waiting);
  ASSERT_EQ(suspended->total_count, 21u);
  EXPECT_EQ(suspended->items.front().id, "t1");
  EXPECT_EQ(suspended->items.back().id, "t40");
}

}  // namespace
}  // namespace processhost::engine
