// Business-rule tasks of a real engine on the memory store: they run as service tasks do - an
// external task for camunda:type="external", a registered service method for camunda:properties
// module and method - and a DMN decision (camunda:decisionRef) or a Java implementation is
// refused at deploy, naming the element.
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::test_identity;

std::string business_rule_model(const std::string& task) {
  return "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "
         "xmlns:camunda='http://camunda.org/schema/1.0/bpmn' id='d'>"
         "<bpmn:process id='brt' isExecutable='true'><bpmn:startEvent id='s'/>" + task +
         "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='rules'/>"
         "<bpmn:sequenceFlow id='f2' sourceRef='rules' targetRef='e'/></bpmn:process></bpmn:definitions>";
}

class EngineBusinessRuleTaskTest : public EngineFixture {
 protected:
  Result<StartResult> start_brt(StartCallbackType callback) {
    StartRequest request;
    request.process_model_id = "brt";
    request.input_values = R"({"amount":1200})";
    request.callback_type = callback;
    return start(request);
  }
};

TEST_F(EngineBusinessRuleTaskTest, ExternalBusinessRuleTaskWaitsForAWorker) {
  ASSERT_TRUE(deploy(business_rule_model(
      "<bpmn:businessRuleTask id='rules' camunda:type='external' camunda:topic='decide'/>")));
  auto started = start_brt(StartCallbackType::on_instance_created);
  ASSERT_TRUE(started) << started.error().message;
  FetchAndLockRequest request{"w1", "decide", 1, 5000, 10000};
  auto fetched = testing::call_sync<std::vector<ExternalTask>>(
      [&](auto done) { engine_->fetch_and_lock(test_identity(), request, done); });
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  EXPECT_EQ(fetched->front().payload, R"({"amount":1200})");
  ExternalTaskOutcome outcome;
  outcome.worker_id = "w1";
  outcome.result = R"({"approved":false})";
  ASSERT_TRUE(testing::call_sync<Ok>([&](auto done) {
    engine_->complete_external_task(test_identity(), fetched->front().id, outcome, done);
  }));
  ASSERT_TRUE(testing::eventually([&] {
    return instance(started->process_instance_id)->state == ProcessInstanceState::finished;
  }));
  auto reached = results(started->correlation_id, "brt");
  ASSERT_TRUE(reached);
  ASSERT_EQ(reached->size(), 1u);
  EXPECT_EQ(reached->front().token_payload, R"({"approved":false})");
}

TEST_F(EngineBusinessRuleTaskTest, BusinessRuleTaskCallsARegisteredServiceMethod) {
  EngineOptions options;
  options.service_methods["Rules.decide"] = [](const JsonText& arguments) -> Result<JsonText> {
    return JsonText("{\"decided\":" + arguments + "}");
  };
  start_engine(options);
  ASSERT_TRUE(deploy(business_rule_model(
      "<bpmn:businessRuleTask id='rules'><bpmn:extensionElements><camunda:properties>"
      "<camunda:property name='module' value='Rules'/><camunda:property name='method' value='decide'/>"
      "<camunda:property name='params' value='[token.current.amount]'/></camunda:properties>"
      "</bpmn:extensionElements></bpmn:businessRuleTask>")));
  auto finished = start_brt(StartCallbackType::on_process_finished);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->end_event_id.value_or("-"), "e");
  EXPECT_EQ(results(finished->correlation_id, "brt").value().front().token_payload, R"({"decided":[1200]})");
}

TEST_F(EngineBusinessRuleTaskTest, DmnDecisionAndJavaImplementationsAreRefusedNamingTheElement) {
  auto refused = deploy(
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "
      "xmlns:camunda='http://camunda.org/schema/1.0/bpmn' id='d'>"
      "<bpmn:process id='brt' isExecutable='true'><bpmn:startEvent id='s'/>"
      "<bpmn:businessRuleTask id='dmn' camunda:decisionRef='approve-invoice' camunda:resultVariable='r'/>"
      "<bpmn:businessRuleTask id='java' camunda:class='org.example.Rules'/><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='dmn'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='dmn' targetRef='java'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='java' targetRef='e'/></bpmn:process></bpmn:definitions>");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
  const std::string& info = refused.error().additional_information;
  for (const char* expected :
       {"business-rule task 'dmn' evaluates the DMN decision 'approve-invoice' (camunda:decisionRef), and this "
        "engine does not run DMN: use camunda:type=\\\"external\\\"",
        "business-rule task 'java' is implemented in Java (camunda:class=\\\"org.example.Rules\\\")"}) {
    EXPECT_NE(info.find(expected), std::string::npos) << expected << " in " << info;
  }
}

}  // namespace
}  // namespace processhost::engine
