// pg_store's hints (hint_codec.hpp): what a commit tells the other hosts, and what a host
// makes of a payload, including payloads it does not know.
#include <gtest/gtest.h>

#include "hint_codec.hpp"

namespace processhost::plugins::pg_store {
namespace {

ChangeSet change_set() {
  ChangeSet changes;
  changes.instance.id = "i-1";
  changes.expected_version = 4;
  return changes;
}

ExternalTaskRecord task(const std::string& topic, ExternalTaskState state) {
  ExternalTaskRecord record;
  record.task.id = "x-" + topic;
  record.task.topic = topic;
  record.task.state = state;
  return record;
}

TEST(HintCodec, AStepOfARunningInstanceSaysOnlyWhichVersionItIsAt) {
  const auto payload = encode_instance_hint("host-a", change_set());
  EXPECT_EQ(payload, R"({"h":"host-a","i":"i-1","v":5})");
  const auto hint = decode_hint(payload);
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->host, "host-a");
  ASSERT_TRUE(hint->instance);
  EXPECT_FALSE(hint->definition);
  EXPECT_EQ(hint->instance->process_instance_id, "i-1");
  EXPECT_EQ(hint->instance->version, 5);
  EXPECT_FALSE(hint->instance->ended);
  EXPECT_FALSE(hint->instance->earliest_timer_due_ms);
  EXPECT_TRUE(hint->instance->external_task_topics.empty());
}

TEST(HintCodec, EndsTimersAndNewTasksAreTold) {
  auto changes = change_set();
  changes.instance.state = ProcessInstanceState::running;
  CorrelationResultRecord reached;  // an end reached, the instance still running
  reached.end_event_id = "EndEarly";
  changes.correlation_results.push_back(reached);
  TimerRecord later;
  later.id = "t2";
  later.due_at_ms = 2000;
  TimerRecord earlier;
  earlier.id = "t1";
  earlier.due_at_ms = 1000;
  changes.timers_armed = {later, earlier};
  changes.external_tasks.push_back(task("billing", ExternalTaskState::pending));
  changes.external_tasks.push_back(task("billing", ExternalTaskState::pending));
  changes.external_tasks.push_back(task("done_topic", ExternalTaskState::finished));
  changes.external_tasks.push_back(task("shipping \"fast\"", ExternalTaskState::pending));
  const auto hint = decode_hint(encode_instance_hint("host-a", changes));
  ASSERT_TRUE(hint && hint->instance);
  EXPECT_TRUE(hint->instance->ended);
  EXPECT_EQ(hint->instance->earliest_timer_due_ms, 1000);
  EXPECT_EQ(hint->instance->external_task_topics, (std::vector<std::string>{"billing", "shipping \"fast\""}))
      << "each topic once, finished tasks wake nobody";
  EXPECT_FALSE(hint->instance->all_topics);

  auto finished = change_set();
  finished.instance.state = ProcessInstanceState::error;
  EXPECT_TRUE(decode_hint(encode_instance_hint("h", finished))->instance->ended);
}

TEST(HintCodec, TopicsBeyondThePayloadBudgetWakeEveryPoll) {
  auto changes = change_set();
  for (int i = 0; i < 200; ++i) {
    changes.external_tasks.push_back(task("topic_with_a_long_name_" + std::to_string(i), ExternalTaskState::pending));
  }
  const auto payload = encode_instance_hint("host-a", changes);
  EXPECT_LE(payload.size(), kMaxHintPayload);
  const auto hint = decode_hint(payload);
  ASSERT_TRUE(hint && hint->instance);
  EXPECT_TRUE(hint->instance->all_topics);
  EXPECT_TRUE(hint->instance->external_task_topics.empty());
}

TEST(HintCodec, ModelsDeployedAndDeleted) {
  const auto deployed = decode_hint(encode_definition_hint("host-b", "invoice", false));
  ASSERT_TRUE(deployed && deployed->definition);
  EXPECT_EQ(deployed->host, "host-b");
  EXPECT_EQ(deployed->definition->process_model_id, "invoice");
  EXPECT_FALSE(deployed->definition->deleted);
  const auto deleted = decode_hint(encode_definition_hint("host-b", "invoice", true));
  ASSERT_TRUE(deleted && deleted->definition);
  EXPECT_TRUE(deleted->definition->deleted);
}

TEST(HintCodec, PayloadsNotUnderstoodAreDropped) {
  EXPECT_FALSE(decode_hint(""));
  EXPECT_FALSE(decode_hint("not json"));
  EXPECT_FALSE(decode_hint("[1,2]"));
  EXPECT_FALSE(decode_hint(R"({"i":"no host"})"));
  EXPECT_FALSE(decode_hint(R"({"h":"host","q":"unknown kind"})"));
}

TEST(HintCodec, AGroupCommitsHintsShareANotificationOnePerLine) {
  auto first = change_set();
  auto second = change_set();
  second.instance.id = "i-2";
  const std::string payload = encode_instance_hint("host-a", first) + "\n" + encode_instance_hint("host-a", second) +
                              "\n" + "garbage" + "\n" + encode_definition_hint("host-a", "m", false) + "\n" +
                              encode_listening_hint("host-b");
  const auto hints = decode_hints(payload);
  ASSERT_EQ(hints.size(), 4u) << "the line not understood is left out";
  EXPECT_EQ(hints[0].instance->process_instance_id, "i-1");
  EXPECT_EQ(hints[1].instance->process_instance_id, "i-2");
  EXPECT_EQ(hints[2].definition->process_model_id, "m");
  EXPECT_TRUE(hints[3].listening);
  EXPECT_EQ(hints[3].host, "host-b");
  EXPECT_FALSE(hints[3].instance);
  EXPECT_EQ(std::string(kHintChannel), "processhost_hints");
}

}  // namespace
}  // namespace processhost::plugins::pg_store
