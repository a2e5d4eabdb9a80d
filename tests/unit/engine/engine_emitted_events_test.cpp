// The engine events a run reports to listeners: activities reached and finished, tasks and
// catch events finished, boundary events triggered, each with the payload it stands for.
#include <mutex>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;

// s -> script 'work' (returns {"worked":true}) -> user task 'ask' -> message catch 'wait'
// -> manual task 'check' -> empty activity 'note' -> end 'e'.
const std::string kChain =
    process_xml("chain",
                "<bpmn:startEvent id=\"s\"/>"
                "<bpmn:scriptTask id=\"work\"><bpmn:script>return {worked: true};</bpmn:script></bpmn:scriptTask>"
                "<bpmn:userTask id=\"ask\"/>"
                "<bpmn:intermediateCatchEvent id=\"wait\"><bpmn:messageEventDefinition messageRef=\"M\"/>"
                "</bpmn:intermediateCatchEvent>"
                "<bpmn:manualTask id=\"check\"/><bpmn:task id=\"note\"/><bpmn:endEvent id=\"e\"/>"
                "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"work\"/>"
                "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"work\" targetRef=\"ask\"/>"
                "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"ask\" targetRef=\"wait\"/>"
                "<bpmn:sequenceFlow id=\"f4\" sourceRef=\"wait\" targetRef=\"check\"/>"
                "<bpmn:sequenceFlow id=\"f5\" sourceRef=\"check\" targetRef=\"note\"/>"
                "<bpmn:sequenceFlow id=\"f6\" sourceRef=\"note\" targetRef=\"e\"/>");

// A script that fails inside a sub-process 'sub', caught by the sub-process's error boundary
// 'caught'; the script 'after' returns what it sees of the token.
const std::string kCaughtInSubProcess = process_xml(
    "caught_sub",
    "<bpmn:startEvent id=\"s\"/>"
    "<bpmn:subProcess id=\"sub\"><bpmn:startEvent id=\"ss\"/>"
    "<bpmn:scriptTask id=\"fails\"><bpmn:script>throw new Error('boom');</bpmn:script></bpmn:scriptTask>"
    "<bpmn:endEvent id=\"se\"/><bpmn:sequenceFlow id=\"g1\" sourceRef=\"ss\" targetRef=\"fails\"/>"
    "<bpmn:sequenceFlow id=\"g2\" sourceRef=\"fails\" targetRef=\"se\"/></bpmn:subProcess>"
    "<bpmn:boundaryEvent id=\"caught\" attachedToRef=\"sub\"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
    "<bpmn:scriptTask id=\"after\"><bpmn:script>return {current: token.current, "
    "sub: token.history.sub, boundary: token.history.caught === undefined, inner: token.history.fails === undefined};"
    "</bpmn:script></bpmn:scriptTask>"
    "<bpmn:endEvent id=\"e\"/><bpmn:endEvent id=\"ok\"/>"
    "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"sub\"/>"
    "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"sub\" targetRef=\"ok\"/>"
    "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"caught\" targetRef=\"after\"/>"
    "<bpmn:sequenceFlow id=\"f4\" sourceRef=\"after\" targetRef=\"e\"/>");

std::string with_message(std::string xml) {
  const std::string process = "<bpmn:process";
  return xml.insert(xml.find(process), "<bpmn:message id=\"M\" name=\"Go\"/>");
}

class EngineEmittedEventsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      std::lock_guard lock(mutex_);
      seen_.push_back(event);
    });
  }
  void TearDown() override {
    engine_->remove_listener(listener_);
    EngineFixture::TearDown();
  }

  // "kind flowNodeId" of every event after the process started, in order.
  std::vector<std::string> seen(EngineEventKind only = EngineEventKind::process_started, bool filter = false) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& event : seen_) {
      if (filter && event.kind != only) continue;
      out.push_back(std::string(name_of(event.kind)) + " " + event.flow_node_id);
    }
    return out;
  }
  std::optional<EngineEvent> first(EngineEventKind kind) {
    std::lock_guard lock(mutex_);
    for (const auto& event : seen_) {
      if (event.kind == kind) return event;
    }
    return std::nullopt;
  }
  std::string waiting_id(TaskKind kind, const std::string& correlation_id) {
    TaskQuery query;
    query.kinds = task_kind_bit(kind);
    query.correlation_id = correlation_id;
    auto listed = tasks(query);
    return listed && listed->items.size() == 1 ? listed->items[0].flow_node_instance_id : "";
  }

  std::uint64_t listener_ = 0;
  std::mutex mutex_;
  std::vector<EngineEvent> seen_;
};

TEST_F(EngineEmittedEventsTest, EachNodeReportsWhatTheOriginalReports) {
  ASSERT_TRUE(deploy(with_message(kChain)));
  StartRequest request;
  request.process_model_id = "chain";
  request.input_values = R"({"n":1})";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  const auto pi = started->process_instance_id;
  const auto cid = started->correlation_id;

  ASSERT_TRUE(eventually([&] { return !waiting_id(TaskKind::user_task, cid).empty(); }));
  ASSERT_TRUE(finish({TaskKind::user_task, pi, cid, waiting_id(TaskKind::user_task, cid), R"({"ok":true})"}));
  ASSERT_TRUE(eventually([&] { return first(EngineEventKind::event_waiting).has_value(); }));
  ASSERT_TRUE(testing::call_sync<Ok>([&](auto done) {
    engine_->trigger(testing::test_identity(), EventKind::message, "Go", R"({"currentToken":{"m":2},"other":3})", done);
  }));
  ASSERT_TRUE(eventually([&] { return !waiting_id(TaskKind::manual_task, cid).empty(); }));
  ASSERT_TRUE(finish({TaskKind::manual_task, pi, cid, waiting_id(TaskKind::manual_task, cid), "{}"}));
  ASSERT_TRUE(eventually([&] { return !waiting_id(TaskKind::empty_activity, cid).empty(); }));
  ASSERT_TRUE(finish({TaskKind::empty_activity, pi, cid, waiting_id(TaskKind::empty_activity, cid), "{}"}));
  ASSERT_TRUE(eventually([&] { return first(EngineEventKind::process_finished).has_value(); }));

  EXPECT_EQ(seen(), (std::vector<std::string>{
                        "process_started ", "activity_reached work", "activity_finished work", "user_task_waiting ask",
                        "user_task_finished ask", "event_waiting wait", "event_finished wait",
                        "manual_task_waiting check", "manual_task_finished check", "empty_activity_waiting note",
                        "empty_activity_finished note", "end_event_reached e", "process_finished "}));
  EXPECT_EQ(first(EngineEventKind::activity_reached)->payload, R"({"n":1})");
  EXPECT_EQ(first(EngineEventKind::activity_finished)->payload, R"({"worked":true})");
  EXPECT_EQ(first(EngineEventKind::activity_finished)->flow_node_type, "bpmn:ScriptTask");
  EXPECT_EQ(first(EngineEventKind::user_task_finished)->payload, R"({"form_fields":{"ok":true}})");
  EXPECT_FALSE(first(EngineEventKind::user_task_finished)->flow_node_instance_id.empty());
  // The message's body was {currentToken, other}: the catch event's result is the currentToken.
  EXPECT_EQ(first(EngineEventKind::event_finished)->payload, R"({"m":2})");
  EXPECT_EQ(first(EngineEventKind::manual_task_finished)->payload, "{}");
  EXPECT_EQ(first(EngineEventKind::empty_activity_finished)->payload, "{}");
}

TEST_F(EngineEmittedEventsTest, AnErrorBoundaryPassesTheErrorAsTheFailedActivitysResult) {
  ASSERT_TRUE(deploy(kCaughtInSubProcess));
  StartRequest request;
  request.process_model_id = "caught_sub";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->end_event_id.value_or("-"), "e");
  rapidjson::Document token;
  const std::string payload = finished->token_payload.value_or("");
  ASSERT_FALSE(token.Parse(payload.c_str()).HasParseError()) << payload;
  // token.current and token.history.sub are the error; the boundary adds no result of its own,
  // and what failed inside the sub-process stays inside.
  ASSERT_TRUE(token.IsObject() && token["current"].IsObject()) << payload;
  EXPECT_NE(std::string(token["current"]["message"].GetString()).find("boom"), std::string::npos);
  EXPECT_EQ(json_to_string(token["current"]), json_to_string(token["sub"]));
  EXPECT_TRUE(token["boundary"].GetBool());
  EXPECT_TRUE(token["inner"].GetBool());

  EXPECT_EQ(seen(EngineEventKind::boundary_event_triggered, true),
            (std::vector<std::string>{"boundary_event_triggered caught"}));
  // The sub-process and the script inside it were reached and ended (the script failed).
  EXPECT_EQ(seen(EngineEventKind::activity_finished, true),
            (std::vector<std::string>{"activity_finished fails", "activity_finished sub", "activity_finished after"}));
}

TEST_F(EngineEmittedEventsTest, ThrownMessagesAndSignalsNameTheirNodeAndItsType) {
  // s -> message throw 'tell' -> signal throw 'wave' -> end 'e' (which throws no event).
  std::string xml =
      process_xml("throws",
                  "<bpmn:startEvent id=\"s\"/>"
                  "<bpmn:intermediateThrowEvent id=\"tell\"><bpmn:messageEventDefinition messageRef=\"M\"/>"
                  "</bpmn:intermediateThrowEvent>"
                  "<bpmn:intermediateThrowEvent id=\"wave\"><bpmn:signalEventDefinition signalRef=\"S\"/>"
                  "</bpmn:intermediateThrowEvent><bpmn:endEvent id=\"e\"/>"
                  "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"tell\"/>"
                  "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"tell\" targetRef=\"wave\"/>"
                  "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"wave\" targetRef=\"e\"/>");
  xml.insert(xml.find("<bpmn:process"), "<bpmn:message id=\"M\" name=\"Told\"/><bpmn:signal id=\"S\" name=\"Waved\"/>");
  ASSERT_TRUE(deploy(xml));
  StartRequest request;
  request.process_model_id = "throws";
  ASSERT_TRUE(start(request));
  ASSERT_TRUE(eventually([&] { return first(EngineEventKind::process_finished).has_value(); }));
  const auto message = first(EngineEventKind::message_sent);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->flow_node_id, "tell");
  EXPECT_EQ(message->flow_node_type, "bpmn:IntermediateThrowEvent");
  EXPECT_NE(message->payload.find(R"("eventName":"Told")"), std::string::npos) << message->payload;
  const auto signal = first(EngineEventKind::signal_sent);
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->flow_node_id, "wave");
  EXPECT_EQ(signal->flow_node_type, "bpmn:IntermediateThrowEvent");
}

}  // namespace
}  // namespace processhost::engine
