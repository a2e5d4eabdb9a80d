// pg_store's hints (hint_codec.hpp): what a commit tells the other hosts, which commits tell
// them nothing, and what a host makes of a notification, including payloads it does not know.
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

TimerRecord timer(const std::string& id, std::int64_t due_at_ms) {
  TimerRecord record;
  record.id = id;
  record.due_at_ms = due_at_ms;
  return record;
}

DecodedHint only_hint(const std::string& payload, const std::string& host) {
  const auto notification = decode_notification(payload);
  EXPECT_TRUE(notification);
  if (!notification) return {};
  EXPECT_EQ(notification->host, host);
  EXPECT_EQ(notification->hints.size(), 1u) << payload;
  return notification->hints.empty() ? DecodedHint{} : notification->hints.front();
}

TEST(HintCodec, AStepOfARunningInstanceSaysOnlyWhichVersionItIsAt) {
  const auto line = encode_instance_hint(change_set());
  EXPECT_EQ(line, R"({"i":"i-1","v":5})");
  const auto hint = only_hint(encode_notification("host-a", line), "host-a");
  ASSERT_TRUE(hint.instance);
  EXPECT_FALSE(hint.definition);
  EXPECT_EQ(hint.instance->process_instance_id, "i-1");
  EXPECT_EQ(hint.instance->version, 5);
  EXPECT_FALSE(hint.instance->ended);
  EXPECT_FALSE(hint.instance->earliest_timer_due_ms);
  EXPECT_TRUE(hint.instance->external_task_topics.empty());
}

// No other host can have cached an instance before its first commit, and nobody waits for
// anything it did: its hint would be read by every other host and acted on by none.
TEST(HintCodec, TheFirstCommitOfANewInstanceTellsNothingUnlessItArmsOffersOrEnds) {
  auto created = change_set();
  created.expected_version = 0;
  created.external_tasks.push_back(task("done_topic", ExternalTaskState::finished));
  EXPECT_EQ(encode_instance_hint(created), "") << "a new instance waiting for a user task";

  auto with_timer = created;
  with_timer.timers_armed.push_back(timer("t", 1234));
  EXPECT_EQ(encode_instance_hint(with_timer), R"({"i":"i-1","v":1,"t":1234})");

  auto with_task = created;
  with_task.external_tasks.push_back(task("billing", ExternalTaskState::pending));
  EXPECT_EQ(encode_instance_hint(with_task), R"({"i":"i-1","v":1,"x":["billing"]})");

  auto ended = created;
  ended.instance.state = ProcessInstanceState::finished;
  EXPECT_EQ(encode_instance_hint(ended), R"({"i":"i-1","v":1,"e":1})");

  auto reached_end = created;
  reached_end.correlation_results.emplace_back();
  EXPECT_EQ(encode_instance_hint(reached_end), R"({"i":"i-1","v":1,"e":1})");
}

TEST(HintCodec, EndsTimersAndNewTasksAreTold) {
  auto changes = change_set();
  changes.instance.state = ProcessInstanceState::running;
  CorrelationResultRecord reached;  // an end reached, the instance still running
  reached.end_event_id = "EndEarly";
  changes.correlation_results.push_back(reached);
  changes.timers_armed = {timer("t2", 2000), timer("t1", 1000)};
  changes.external_tasks.push_back(task("billing", ExternalTaskState::pending));
  changes.external_tasks.push_back(task("billing", ExternalTaskState::pending));
  changes.external_tasks.push_back(task("done_topic", ExternalTaskState::finished));
  changes.external_tasks.push_back(task("shipping \"fast\"\nnext line", ExternalTaskState::pending));
  const auto line = encode_instance_hint(changes);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one hint, one line";
  const auto hint = only_hint(encode_notification("host-a", line), "host-a");
  ASSERT_TRUE(hint.instance);
  EXPECT_TRUE(hint.instance->ended);
  EXPECT_EQ(hint.instance->earliest_timer_due_ms, 1000);
  EXPECT_EQ(hint.instance->external_task_topics, (std::vector<std::string>{"billing", "shipping \"fast\"\nnext line"}))
      << "each topic once, finished tasks wake nobody";
  EXPECT_FALSE(hint.instance->all_topics);

  auto finished = change_set();
  finished.instance.state = ProcessInstanceState::error;
  EXPECT_TRUE(decode_hint(encode_instance_hint(finished))->instance->ended);
}

TEST(HintCodec, TopicsBeyondThePayloadBudgetWakeEveryPoll) {
  auto changes = change_set();
  for (int i = 0; i < 200; ++i) {
    changes.external_tasks.push_back(task("topic_with_a_long_name_" + std::to_string(i), ExternalTaskState::pending));
  }
  const auto payload = encode_notification("0123456789abcdef", encode_instance_hint(changes));
  EXPECT_LE(payload.size(), kMaxHintPayload) << "with its header";
  const auto hint = only_hint(payload, "0123456789abcdef");
  ASSERT_TRUE(hint.instance);
  EXPECT_TRUE(hint.instance->all_topics);
  EXPECT_TRUE(hint.instance->external_task_topics.empty());
}

TEST(HintCodec, ModelsDeployedAndDeleted) {
  const auto deployed = only_hint(encode_notification("host-b", encode_definition_hint("invoice", false)), "host-b");
  ASSERT_TRUE(deployed.definition);
  EXPECT_EQ(deployed.definition->process_model_id, "invoice");
  EXPECT_FALSE(deployed.definition->deleted);
  const auto deleted = only_hint(encode_notification("host-b", encode_definition_hint("invoice", true)), "host-b");
  ASSERT_TRUE(deleted.definition);
  EXPECT_TRUE(deleted.definition->deleted);
}

TEST(HintCodec, PayloadsNotUnderstoodAreDropped) {
  EXPECT_FALSE(decode_hint(""));
  EXPECT_FALSE(decode_hint("not json"));
  EXPECT_FALSE(decode_hint("[1,2]"));
  EXPECT_FALSE(decode_hint(R"({"q":"unknown kind"})"));
  EXPECT_FALSE(decode_notification("")) << "no header";
  EXPECT_FALSE(decode_notification(R"({"h":"host-a","i":"i-1","v":5})")) << "an earlier version's payload";
  EXPECT_FALSE(decode_notification("@")) << "a header naming nobody";
  EXPECT_EQ(notification_host("garbage"), "");
  const auto empty = decode_notification("@host-c");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->host, "host-c");
  EXPECT_TRUE(empty->hints.empty());
}

// The header comes first so a host tells its own notifications without decoding them.
TEST(HintCodec, ANotificationNamesItsHostOnceAndCarriesOneHintPerLine) {
  auto first = change_set();
  auto second = change_set();
  second.instance.id = "i-2";
  const std::string payload = notification_header("host-a") + "\n" + encode_instance_hint(first) + "\n" +
                              encode_instance_hint(second) + "\n" + "garbage" + "\n" +
                              encode_definition_hint("m", false) + "\n" + encode_listening_hint();
  EXPECT_EQ(notification_host(payload), "host-a");
  const auto notification = decode_notification(payload);
  ASSERT_TRUE(notification);
  EXPECT_EQ(notification->host, "host-a");
  const auto& hints = notification->hints;
  ASSERT_EQ(hints.size(), 4u) << "the line not understood is left out";
  EXPECT_EQ(hints[0].instance->process_instance_id, "i-1");
  EXPECT_EQ(hints[1].instance->process_instance_id, "i-2");
  EXPECT_EQ(hints[2].definition->process_model_id, "m");
  EXPECT_TRUE(hints[3].listening);
  EXPECT_FALSE(hints[3].instance);
  EXPECT_EQ(std::string(kHintChannel), "processhost_hints");
}

}  // namespace
}  // namespace processhost::plugins::pg_store
