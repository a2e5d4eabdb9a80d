#include <gtest/gtest.h>

#include <set>

#include <rapidjson/document.h>

#include "record_codec.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {
namespace {

TEST(StoreSql, TextArrayLiteralsEscapeQuotesAndBackslashes) {
  EXPECT_EQ(pg_text_array({}), "{}");
  EXPECT_EQ(pg_text_array({"a", "b c"}), R"({"a","b c"})");
  EXPECT_EQ(pg_text_array({R"(say "hi")", R"(back\slash)", "{brace},"}), R"({"say \"hi\"","back\\slash","{brace},"})");
}

TEST(StoreSql, EachQueryShapeIsItsOwnStatementWithPlainConditions) {
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  waiting.process_model_id = "m";
  waiting.lanes = std::vector<std::string>{"lane_a"};
  waiting.flow_node_types = {"bpmn:UserTask"};
  waiting.page = {5, 10};
  const auto query = build_flow_node_query(waiting, forward_cut(waiting.page));
  EXPECT_NE(query.sql.find("state = 'suspended'"), std::string::npos) << query.sql;
  EXPECT_NE(query.sql.find("process_model_id = $1"), std::string::npos) << query.sql;
  EXPECT_NE(query.sql.find("flow_node_type = ANY($2::text[])"), std::string::npos) << query.sql;
  EXPECT_NE(query.sql.find("(flow_node_lane = '' OR flow_node_lane = ANY($3::text[]))"), std::string::npos);
  EXPECT_NE(query.sql.find("SELECT id AS page_id FROM processhost_flow_node_instances WHERE"), std::string::npos)
      << query.sql;
  EXPECT_NE(query.sql.find("ORDER BY created_at_ms, id LIMIT 10 OFFSET 5)"), std::string::npos) << query.sql;
  EXPECT_NE(query.sql.find("WHERE id = page.page_id OFFSET 0) AS row ORDER BY row.created_at_ms, row.id"),
            std::string::npos)
      << query.sql;
  EXPECT_EQ(query.params, (std::vector<std::string>{"m", R"({"bpmn:UserTask"})", R"({"lane_a"})"}));

  std::set<std::string> names;
  FlowNodeQuery shape;
  names.insert(build_flow_node_query(shape, forward_cut(shape.page)).name);
  shape.correlation_id = "c";
  names.insert(build_flow_node_query(shape, forward_cut(shape.page)).name);
  shape.state = FlowNodeState::suspended;
  names.insert(build_flow_node_query(shape, forward_cut(shape.page)).name);
  shape.state = FlowNodeState::finished;
  names.insert(build_flow_node_query(shape, forward_cut(shape.page)).name);
  shape.state = FlowNodeState::error;
  const auto failed = build_flow_node_query(shape, forward_cut(shape.page));
  names.insert(failed.name);
  EXPECT_NE(failed.sql.find("state = 'error'"), std::string::npos) << failed.sql;
  EXPECT_EQ(names.size(), 5u);
}

TEST(StoreSql, AnUnlimitedPageHasNoEffectiveLimit) {
  InstanceQuery query;
  const auto built = build_instance_query(query, forward_cut(query.page));
  EXPECT_TRUE(built.params.empty());
  EXPECT_TRUE(built.sql.ends_with(" ORDER BY created_at_ms, id LIMIT ALL")) << built.sql;
  // A later page without a limit skips its offset and reads to the end.
  const auto later = build_instance_query(query, PageCut{0, 20, false, std::nullopt});
  EXPECT_NE(later.sql.find("LIMIT ALL OFFSET 20)"), std::string::npos) << later.sql;
  EXPECT_EQ(build_instance_count(query).sql, "SELECT count(*) FROM processhost_process_instances");
}

TEST(StoreSql, APageNearerTheEndIsReadBackwardsFromTheEnd) {
  // 1000 entries, pages of 100.
  const auto first_half = cut_with_total({300, 100}, 1000);
  ASSERT_TRUE(first_half);
  EXPECT_EQ(first_half->offset, 300u);
  EXPECT_EQ(first_half->limit, 100u);
  EXPECT_FALSE(first_half->backwards);
  const auto last = cut_with_total({900, 100}, 1000);
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->backwards);
  EXPECT_EQ(last->offset, 0u);
  EXPECT_EQ(last->limit, 100u);
  // A short last page: the 50 entries left, none skipped from the end.
  const auto short_last = cut_with_total({950, 100}, 1000);
  ASSERT_TRUE(short_last);
  EXPECT_TRUE(short_last->backwards);
  EXPECT_EQ(short_last->offset, 0u);
  EXPECT_EQ(short_last->limit, 50u);
  const auto second_last = cut_with_total({700, 100}, 1000);
  ASSERT_TRUE(second_last);
  EXPECT_TRUE(second_last->backwards);
  EXPECT_EQ(second_last->offset, 200u);
  EXPECT_EQ(second_last->limit, 100u);
  // Everything from an offset (limit 0) is the rest of the order.
  const auto rest = cut_with_total({600, 0}, 1000);
  ASSERT_TRUE(rest);
  EXPECT_TRUE(rest->backwards);
  EXPECT_EQ(rest->offset, 0u);
  EXPECT_EQ(rest->limit, 400u);
  EXPECT_FALSE(cut_with_total({1000, 100}, 1000));
  EXPECT_FALSE(cut_with_total({5, 10}, 0));

  InstanceQuery query;
  const auto backwards = build_instance_query(query, *last);
  EXPECT_NE(backwards.sql.find("ORDER BY created_at_ms DESC, id DESC LIMIT"), std::string::npos) << backwards.sql;
  EXPECT_NE(backwards.sql.find("AS row ORDER BY row.created_at_ms, row.id"), std::string::npos) << backwards.sql;
  EXPECT_NE(backwards.name, build_instance_query(query, *first_half).name);
}

TEST(RecordCodec, ChangeSetParamsKeepTheLastStateOfANodeAndLetCancelWin) {
  ChangeSet changes;
  changes.instance.id = "i1";
  changes.expected_version = 4;
  FlowNodeInstanceRecord first;
  first.id = "n1";
  first.state = FlowNodeState::suspended;
  auto second = first;
  second.state = FlowNodeState::finished;
  second.token_on_exit = R"({"done":true})";
  FlowNodeInstanceRecord other;
  other.id = "n2";
  changes.flow_node_instances = {first, other, second};
  changes.timers_armed = {{"t1", "i1", "n1", 10}, {"t2", "i1", "n2", 20}};
  changes.timers_cancelled = {"t1"};
  const auto params = change_set_params(changes);
  ASSERT_EQ(params.size(), 18u);
  EXPECT_EQ(params[0], "i1");
  EXPECT_EQ(params[12], "4");
  EXPECT_EQ(params[8], "null") << "an empty JsonText is stored as null";

  rapidjson::Document nodes;
  nodes.Parse(params[13].c_str());
  ASSERT_TRUE(nodes.IsArray());
  ASSERT_EQ(nodes.Size(), 2u);
  EXPECT_STREQ(nodes[0]["id"].GetString(), "n2");
  EXPECT_STREQ(nodes[1]["id"].GetString(), "n1");
  EXPECT_STREQ(nodes[1]["state"].GetString(), "finished");
  EXPECT_TRUE(nodes[1]["token_on_exit"]["done"].GetBool());

  rapidjson::Document armed;
  armed.Parse(params[14].c_str());
  ASSERT_EQ(armed.Size(), 1u);
  EXPECT_STREQ(armed[0]["id"].GetString(), "t2");
  EXPECT_EQ(params[15], R"(["t1"])");
}

TEST(StoreSql, ACommitStatementHoldsOnlyTheKindsOfRecordsItsChangeSetHas) {
  ChangeSet changes;
  changes.instance.id = "i1";
  FlowNodeInstanceRecord node;
  node.id = "n1";
  changes.flow_node_instances = {node};
  const auto nodes_only = build_commit(true, change_set_params(changes));
  EXPECT_EQ(nodes_only.name, "commit_insert_n");
  ASSERT_EQ(nodes_only.params.size(), 14u);
  EXPECT_NE(nodes_only.sql.find("INSERT INTO processhost_process_instances"), std::string::npos);
  EXPECT_NE(nodes_only.sql.find("jsonb_to_recordset($14::jsonb) AS n("), std::string::npos);
  EXPECT_EQ(nodes_only.sql.find("processhost_timers"), std::string::npos);
  EXPECT_EQ(nodes_only.sql.find("processhost_correlation_results"), std::string::npos);
  EXPECT_EQ(nodes_only.sql.find("processhost_external_tasks"), std::string::npos);
  EXPECT_EQ(nodes_only.sql.find("{p}"), std::string::npos);
  EXPECT_EQ(nodes_only.sql.find("DO UPDATE"), std::string::npos)
      << "the first commit of an instance creates its flow nodes: plain inserts";

  changes.expected_version = 2;
  changes.timers_cancelled = {"t1"};
  changes.correlation_results = {{"c1", "m1", "i1", "End", "", "{}", 5}};
  const auto update = build_commit(false, change_set_params(changes));
  EXPECT_EQ(update.name, "commit_update_ncr") << "parts keep their order: nodes, armed, cancelled, results, tasks";
  ASSERT_EQ(update.params.size(), 16u);
  EXPECT_EQ(update.params[12], "2");
  EXPECT_EQ(update.params[14], R"(["t1"])");
  EXPECT_NE(update.sql.find("WHERE id = $1 AND version = $13::bigint"), std::string::npos);
  EXPECT_NE(update.sql.find("jsonb_array_elements_text($15::jsonb)"), std::string::npos);
  EXPECT_NE(update.sql.find("jsonb_to_recordset($16::jsonb) AS r("), std::string::npos);
  EXPECT_NE(update.sql.find("ON CONFLICT (id) DO UPDATE SET process_instance_id = EXCLUDED.process_instance_id,"),
            std::string::npos)
      << "a later commit updates the flow nodes it has written before";

  const auto nothing = build_commit(false, change_set_params(ChangeSet{}));
  EXPECT_EQ(nothing.name, "commit_update_");
  EXPECT_EQ(nothing.params.size(), 13u);
  EXPECT_EQ(nothing.sql.substr(nothing.sql.size() - 26), " SELECT count(*) FROM inst");
}

// The commit mark is the last parameter, written only when the change set applies.
TEST(StoreSql, ACommitWithAMarkRecordsItInTheSameStatement) {
  ChangeSet changes;
  changes.instance.id = "i1";
  changes.expected_version = 3;
  const auto marked = build_commit(false, change_set_params(changes), "0000018c0000abc");
  EXPECT_EQ(marked.name, "commit_update_m");
  ASSERT_EQ(marked.params.size(), 14u);
  EXPECT_EQ(marked.params.back(), "0000018c0000abc");
  EXPECT_NE(marked.sql.find("mark AS (INSERT INTO processhost_commit_marks (id) SELECT $14 WHERE EXISTS (SELECT 1 FROM inst))"),
            std::string::npos)
      << marked.sql;
  EXPECT_EQ(marked.sql.substr(marked.sql.size() - 26), " SELECT count(*) FROM inst");
}

TEST(RecordCodec, OptionalExternalTaskFieldsAreMarkedPresentOrAbsent) {
  ChangeSet changes;
  ExternalTaskRecord open;
  open.task.id = "x1";
  auto done = open;
  done.task.id = "x2";
  done.task.result = "null";
  done.task.finished_at_ms = 77;
  changes.external_tasks = {open, done};
  rapidjson::Document tasks;
  tasks.Parse(change_set_params(changes)[17].c_str());
  ASSERT_EQ(tasks.Size(), 2u);
  EXPECT_FALSE(tasks[0]["has_result"].GetBool());
  EXPECT_FALSE(tasks[0].HasMember("finished_at_ms"));
  EXPECT_TRUE(tasks[1]["has_result"].GetBool());
  EXPECT_TRUE(tasks[1]["result"].IsNull());
  EXPECT_EQ(tasks[1]["finished_at_ms"].GetInt64(), 77);

  const auto update = external_task_update_params(done, 3);
  ASSERT_EQ(update.size(), 16u);
  EXPECT_EQ(update[10], "77");
  EXPECT_EQ(update[11], "null");
  EXPECT_EQ(update[12], "") << "no error: SQL NULL";
  EXPECT_EQ(update[15], "3");
}

}  // namespace
}  // namespace processhost::plugins::pg_store
