// The Consumer API's notifications made from engine events: names, messages, per-user copies,
// process_ended naming the end event reached, and the Server-Sent Events frame.

#include <gtest/gtest.h>

#include "notification_events.hpp"
#include "sse_notifications.hpp"

namespace processhost::plugins::consumer_api {
namespace {

// kind is the event kind's word (states.hpp), as the tests read best.
EngineEvent event(std::string_view kind, std::string flow_node_id = {}, std::string type = {}) {
  EngineEvent e;
  e.kind = parse_name<EngineEventKind>(kind).value();
  e.process_model_id = "m";
  e.process_instance_id = "pi";
  e.correlation_id = "c";
  e.flow_node_id = std::move(flow_node_id);
  e.flow_node_instance_id = e.flow_node_id.empty() ? "" : "fni-" + e.flow_node_id;
  e.flow_node_type = std::move(type);
  e.owner_user_id = "owner";
  e.payload = R"({"x":1})";
  return e;
}

TEST(NotificationEvents, ProcessStartedAlsoNamesItsModel) {
  NotificationTranslator translator;
  const auto out = translator.translate(event("process_started"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].event, "process_started");
  EXPECT_EQ(out[0].message, R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","currentToken":{"x":1}})");
  EXPECT_EQ(out[1].event, "/process_instance_started/m");
  EXPECT_TRUE(out[0].only_for_user_id.empty());
}

TEST(NotificationEvents, WaitingTasksHaveAPerUserCopyUnderTheOriginalsName) {
  NotificationTranslator translator;
  for (const auto& [kind, name] : std::vector<std::pair<std::string, std::string>>{
           {"user_task_waiting", "user_task_waiting"},
           {"manual_task_waiting", "manual_task_waiting"},
           {"empty_activity_waiting", "empty_activity_waiting"}}) {
    const auto out = translator.translate(event(kind, "t", "bpmn:UserTask"));
    ASSERT_EQ(out.size(), 2u) << kind;
    EXPECT_EQ(out[0].event, name);
    EXPECT_EQ(out[0].message, R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","flowNodeId":"t",)"
                              R"("flowNodeInstanceId":"fni-t","currentToken":{"x":1}})");
    EXPECT_EQ(out[1].event, name + "/owner/user_id");
    EXPECT_EQ(out[1].only_for_user_id, "owner");
    EXPECT_EQ(out[1].message, out[0].message);
  }
}

TEST(NotificationEvents, ProcessEndedNamesTheEndEventReached) {
  NotificationTranslator translator;
  EXPECT_TRUE(translator.translate(event("end_event_reached", "End", "bpmn:EndEvent")).empty());
  const auto out = translator.translate(event("process_finished"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].event, "process_ended");
  EXPECT_EQ(out[0].message, R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","flowNodeId":"End",)"
                            R"("flowNodeInstanceId":"fni-End","currentToken":{"x":1}})");
  // Forgotten once ended: a later instance with the same id would not inherit it.
  EXPECT_EQ(translator.translate(event("process_finished"))[0].message.find("flowNodeId"), std::string::npos);
}

TEST(NotificationEvents, ErrorsThrowsAndCatches) {
  NotificationTranslator translator;
  auto error = event("process_error");
  error.payload = R"({"message":"boom"})";
  const auto failed = translator.translate(error);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].event, "process_error");
  EXPECT_NE(failed[0].message.find(R"("currentToken":null,"error":{"message":"boom"})"), std::string::npos);
  EXPECT_EQ(translator.translate(event("process_terminated"))[0].event, "process_terminated");

  auto thrown = event("signal_sent", "throw", "bpmn:IntermediateThrowEvent");
  thrown.payload = R"({"eventName":"Wave","payload":{"y":2}})";
  const auto triggered = translator.translate(thrown);
  ASSERT_EQ(triggered.size(), 1u);
  EXPECT_EQ(triggered[0].event, "intermediate_throw_event_triggered");
  EXPECT_NE(triggered[0].message.find(R"("currentToken":{"y":2},"signalReference":"Wave")"), std::string::npos);
  // A message end event publishes too, but is no intermediate throw event.
  EXPECT_TRUE(translator.translate(event("message_sent", "end", "bpmn:EndEvent")).empty());

  const auto caught = translator.translate(event("event_waiting", "catch", "bpmn:IntermediateCatchEvent"));
  ASSERT_EQ(caught.size(), 1u);
  EXPECT_EQ(caught[0].event, "intermediate_catch_event_reached");
  EXPECT_TRUE(translator.translate(event("event_waiting", "receive", "bpmn:ReceiveTask")).empty());
}

TEST(NotificationEvents, ActivitiesCarryTheirFlowNodeType) {
  NotificationTranslator translator;
  for (const std::string kind : {"activity_reached", "activity_finished"}) {
    const auto out = translator.translate(event(kind, "script", "bpmn:ScriptTask"));
    ASSERT_EQ(out.size(), 1u) << kind;
    EXPECT_EQ(out[0].event, kind);
    EXPECT_EQ(out[0].message,
              R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","flowNodeId":"script",)"
              R"("flowNodeInstanceId":"fni-script","currentToken":{"x":1},"flowNodeType":"bpmn:ScriptTask"})");
    EXPECT_TRUE(out[0].only_for_user_id.empty());
  }
}

TEST(NotificationEvents, FinishedTasksHaveAPerUserCopyAndTheUserTaskItsResult) {
  NotificationTranslator translator;
  auto user = event("user_task_finished", "t", "bpmn:UserTask");
  user.payload = R"({"form_fields":{"ok":true}})";
  const auto finished = translator.translate(user);
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_EQ(finished[0].event, "user_task_finished");
  EXPECT_EQ(
      finished[0].message,
      R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","flowNodeId":"t","flowNodeInstanceId":"fni-t",)"
      R"("currentToken":{"form_fields":{"ok":true}},"userTaskResult":{"form_fields":{"ok":true}}})");
  EXPECT_EQ(finished[1].event, "user_task_finished/owner/user_id");
  EXPECT_EQ(finished[1].only_for_user_id, "owner");
  for (const std::string kind : {"manual_task_finished", "empty_activity_finished"}) {
    const auto out = translator.translate(event(kind, "t", "bpmn:ManualTask"));
    ASSERT_EQ(out.size(), 2u) << kind;
    EXPECT_EQ(out[0].event, kind);
    EXPECT_EQ(out[0].message.find("userTaskResult"), std::string::npos);
    EXPECT_EQ(out[1].event, kind + "/owner/user_id");
  }
}

TEST(NotificationEvents, BoundaryEventsAndCatchEventsThatFinished) {
  NotificationTranslator translator;
  const auto fired = translator.translate(event("boundary_event_triggered", "b", "bpmn:BoundaryEvent"));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].event, "boundary_event_triggered");
  EXPECT_EQ(fired[0].message, R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi","flowNodeId":"b",)"
                              R"("flowNodeInstanceId":"fni-b","currentToken":{"x":1}})");
  const auto caught = translator.translate(event("event_finished", "catch", "bpmn:IntermediateCatchEvent"));
  ASSERT_EQ(caught.size(), 1u);
  EXPECT_EQ(caught[0].event, "intermediate_catch_event_finished");
  EXPECT_TRUE(translator.translate(event("event_finished", "receive", "bpmn:ReceiveTask")).empty());
}

TEST(NotificationEvents, NoOwnerMeansNoPerUserCopy) {
  NotificationTranslator translator;
  auto waiting = event("user_task_waiting", "t", "bpmn:UserTask");
  waiting.owner_user_id.clear();
  EXPECT_EQ(translator.translate(waiting).size(), 1u);
}

TEST(SseFrame, EachDataLineGetsItsField) {
  EXPECT_EQ(sse_frame(7, "process_ended", R"({"a":1})"), "id: 7\nevent: process_ended\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(sse_frame(8, "x", "one\ntwo"), "id: 8\nevent: x\ndata: one\ndata: two\n\n");
}

}  // namespace
}  // namespace processhost::plugins::consumer_api
