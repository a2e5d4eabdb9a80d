// The event-based gateway on a real engine and the memory store: the first event wins, the
// others (their timers too) end, and the instance finishes.
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::test_identity;

// Gateway 'g' before a message catch 'cm' (end 'em'), a signal catch 'cs' (end 'es'), a timer
// catch 'ct' of timer (end 'et') and a receive task 'r' (end 'er').
std::string race_model(const std::string& timer) {
  return "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
         "<bpmn:message id=\"M\" name=\"Ping\"/><bpmn:message id=\"R\" name=\"Parcel\"/>"
         "<bpmn:signal id=\"S\" name=\"Wave\"/>"
         "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
         "<bpmn:eventBasedGateway id=\"g\"/>"
         "<bpmn:intermediateCatchEvent id=\"cm\"><bpmn:messageEventDefinition messageRef=\"M\"/>"
         "</bpmn:intermediateCatchEvent>"
         "<bpmn:intermediateCatchEvent id=\"cs\"><bpmn:signalEventDefinition signalRef=\"S\"/>"
         "</bpmn:intermediateCatchEvent>"
         "<bpmn:intermediateCatchEvent id=\"ct\"><bpmn:timerEventDefinition><bpmn:timeDuration>" + timer +
         "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
         "<bpmn:receiveTask id=\"r\" messageRef=\"R\"/>"
         "<bpmn:endEvent id=\"em\"/><bpmn:endEvent id=\"es\"/><bpmn:endEvent id=\"et\"/><bpmn:endEvent id=\"er\"/>"
         "<bpmn:sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
         "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"cm\"/>"
         "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"cs\"/>"
         "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"ct\"/>"
         "<bpmn:sequenceFlow id=\"f4\" sourceRef=\"g\" targetRef=\"r\"/>"
         "<bpmn:sequenceFlow id=\"f5\" sourceRef=\"cm\" targetRef=\"em\"/>"
         "<bpmn:sequenceFlow id=\"f6\" sourceRef=\"cs\" targetRef=\"es\"/>"
         "<bpmn:sequenceFlow id=\"f7\" sourceRef=\"ct\" targetRef=\"et\"/>"
         "<bpmn:sequenceFlow id=\"f8\" sourceRef=\"r\" targetRef=\"er\"/></bpmn:process></bpmn:definitions>";
}

class EventGatewayTest : public EngineFixture {
 protected:
  StartResult start_p() {
    StartRequest request;
    request.process_model_id = "p";
    request.input_values = R"({"n":1})";
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started.value();
  }

  std::vector<WaitingEvent> events(const std::string& correlation_id) {
    EventQuery query;
    query.correlation_id = correlation_id;
    auto listed = testing::call_sync<PagedList<WaitingEvent>>(
        [&](auto done) { engine_->waiting_events(test_identity(), query, done); });
    return listed ? listed->items : std::vector<WaitingEvent>{};
  }

  Status trigger(EventKind kind, const std::string& name, const std::string& correlation_id) {
    return testing::call_sync<Ok>([&](auto done) {
      engine_->trigger(test_identity(), kind, name, JsonText(R"({"currentToken":"won"})"), correlation_id, done);
    });
  }

  // The instance ends at end_event with payload, nothing waits any more, and a later
  // trigger of another event of the race changes nothing.
  void expect_won(const StartResult& started, const std::string& end_event, const std::string& payload) {
    ASSERT_TRUE(eventually([&] {
      auto reached = results(started.correlation_id, "p");
      return reached && !reached->empty();
    }));
    auto reached = results(started.correlation_id, "p").value();
    ASSERT_EQ(reached.size(), 1u);
    EXPECT_EQ(reached[0].end_event_id, end_event);
    EXPECT_EQ(reached[0].token_payload, payload);
    EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
    EXPECT_TRUE(events(started.correlation_id).empty());
    EXPECT_TRUE(trigger(EventKind::signal, "Wave", started.correlation_id));
    EXPECT_EQ(results(started.correlation_id, "p").value().size(), 1u);
  }
};

TEST_F(EventGatewayTest, EveryEventAfterTheGatewayWaits) {
  ASSERT_TRUE(deploy(race_model("PT1H")));
  const auto started = start_p();
  std::vector<std::string> waiting;
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 4; }));
  for (const auto& event : events(started.correlation_id)) waiting.push_back(event.flow_node_id + ":" + event.event_name);
  std::sort(waiting.begin(), waiting.end());
  EXPECT_EQ(waiting, (std::vector<std::string>{"cm:Ping", "cs:Wave", "ct:", "r:Parcel"}));
}

TEST_F(EventGatewayTest, TheFirstMessageWinsAndTheOthersEnd) {
  ASSERT_TRUE(deploy(race_model("PT1H")));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 4; }));
  ASSERT_TRUE(trigger(EventKind::message, "Ping", started.correlation_id));
  expect_won(started, "em", R"("won")");
}

TEST_F(EventGatewayTest, ASignalWins) {
  ASSERT_TRUE(deploy(race_model("PT1H")));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 4; }));
  ASSERT_TRUE(trigger(EventKind::signal, "Wave", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return !results(started.correlation_id, "p").value().empty(); }));
  auto reached = results(started.correlation_id, "p").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "es");
  EXPECT_TRUE(events(started.correlation_id).empty());
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EventGatewayTest, TheTimerWinsWhenNothingElseHappens) {
  ASSERT_TRUE(deploy(race_model("PT0.2S")));
  const auto started = start_p();
  // The timer catch event passes the payload on.
  expect_won(started, "et", R"({"n":1})");
}

TEST_F(EventGatewayTest, AReceiveTaskWins) {
  ASSERT_TRUE(deploy(race_model("PT1H")));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 4; }));
  ASSERT_TRUE(trigger(EventKind::message, "Parcel", started.correlation_id));
  expect_won(started, "er", R"("won")");
}

TEST_F(EventGatewayTest, WhatMayFollowTheGatewayIsCheckedAtDeploy) {
  const std::string bad =
      "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
      "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
      "<bpmn:eventBasedGateway id=\"g\"/><bpmn:userTask id=\"u\"/><bpmn:endEvent id=\"e\"/>"
      "<bpmn:sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"u\"/>"
      "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"u\" targetRef=\"e\"/></bpmn:process></bpmn:definitions>";
  auto deployed = deploy(bad);
  ASSERT_FALSE(deployed);
  EXPECT_EQ(deployed.error().http_status(), 422);
  const auto& details = deployed.error().additional_information;
  EXPECT_NE(details.find("needs at least two outgoing sequence flows"), std::string::npos) << details;
  EXPECT_NE(details.find("'u' after event-based gateway 'g' is not a message, signal or timer catch event or a "
                         "receive task"),
            std::string::npos)
      << details;
}

}  // namespace
}  // namespace processhost::engine
