#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::call_sync;

ChangeSet change_set(const std::string& id, std::int64_t expected, const std::string& state) {
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
                                   std::int64_t created, const std::string& state = "suspended") {
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
  EXPECT_TRUE(commit(change_set("i1", 0, "running")));
  auto duplicate = commit(change_set("i1", 0, "running"));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().status, ErrorStatus::conflict);
  EXPECT_TRUE(commit(change_set("i1", 1, "running")));
  auto stale = commit(change_set("i1", 1, "running"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().status, ErrorStatus::conflict);
  auto loaded = call_sync<std::optional<ProcessInstanceRecord>>([&](auto done) { store.load_instance("i1", done); });
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(loaded.value()->version, 2);
}

TEST(MemoryStore, SuspendedQueriesFilterByLaneAndPageInCreationOrder) {
  MemoryStore store;
  auto changes = change_set("i1", 0, "running");
  changes.flow_node_instances = {task_record("t3", "i1", "LaneA", 30), task_record("t1", "i1", "LaneA", 10),
                                 task_record("t2", "i1", "Restricted", 20), task_record("t4", "i1", "", 40),
                                 task_record("done", "i1", "LaneA", 5, "finished")};
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(changes, done); }));
  FlowNodeQuery query;
  query.state = "suspended";
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
  auto first = change_set("i1", 0, "running");
  first.flow_node_instances = {task_record("t1", "i1", "", 10)};
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(first, done); }));
  auto last = change_set("i1", 1, "finished");
  last.correlation_results.push_back({"c-i1", "m", "i1", "End", "", "{\"x\":1}", 20});
  ASSERT_TRUE(call_sync<Ok>([&](auto done) { store.commit(last, done); }));
  FlowNodeQuery query;
  query.state = "suspended";
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
  EXPECT_EQ(owned->items[0].state, "finished");
}

}  // namespace
}  // namespace processhost::engine
