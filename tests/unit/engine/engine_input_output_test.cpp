// camunda:inputOutput and the user task assignment attributes, on a real engine and the
// memory store (docs/bpmn-support.md, "Input and output parameters").
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;

class InputOutputTest : public EngineFixture {
 protected:
  std::string run_to_end(const std::string& input) {
    StartRequest request;
    request.process_model_id = "p";
    request.input_values = input;
    auto started = start(request);
    if (!started) return "start failed: " + started.error().message;
    if (!eventually([&] { return results(started->correlation_id, "p").value().size() == 1; })) {
      auto record = instance(started->process_instance_id);
      return "no end: " + (record ? record->error : JsonText());
    }
    return results(started->correlation_id, "p").value()[0].token_payload;
  }
};

constexpr const char* kFlows =
    "<bpmn:startEvent id='s'/><bpmn:endEvent id='e'/>"
    "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
    "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>";

// Input parameters extend the payload the script sees; text, ${...}, list and map values.
TEST_F(InputOutputTest, InputParametersExtendThePayloadTheActivityRunsWith) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:scriptTask id='t'><bpmn:extensionElements><camunda:inputOutput>"
               "<camunda:inputParameter name='greeting'>hello</camunda:inputParameter>"
               "<camunda:inputParameter name='doubled'>${amount * 2}</camunda:inputParameter>"
               "<camunda:inputParameter name='names'><camunda:list><camunda:value>a</camunda:value>"
               "<camunda:value>${doubled + 1}</camunda:value></camunda:list></camunda:inputParameter>"
               "<camunda:inputParameter name='limits'><camunda:map><camunda:entry key='max'>${amount}</camunda:entry>"
               "<camunda:entry key='unit'>EUR</camunda:entry></camunda:map></camunda:inputParameter>"
               "<camunda:inputParameter name='nothing'/>"
               "</camunda:inputOutput></bpmn:extensionElements>"
               "<bpmn:script>return token.current;</bpmn:script></bpmn:scriptTask>")));
  EXPECT_EQ(run_to_end(R"({"amount":21})"),
            R"({"amount":21,"greeting":"hello","doubled":42,"names":["a",43],"limits":{"max":21,"unit":"EUR"},)"
            R"("nothing":null})");
}

// Output parameters extend the result with values over the variables once the result is in.
TEST_F(InputOutputTest, OutputParametersExtendTheResult) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:scriptTask id='t'><bpmn:extensionElements><camunda:inputOutput>"
               "<camunda:inputParameter name='base'>${amount}</camunda:inputParameter>"
               "<camunda:outputParameter name='total'>${sum + 1}</camunda:outputParameter>"
               "<camunda:outputParameter name='status'>done</camunda:outputParameter>"
               "</camunda:inputOutput></bpmn:extensionElements>"
               "<bpmn:script>return {sum: token.current.base * 10};</bpmn:script></bpmn:scriptTask>")));
  EXPECT_EQ(run_to_end(R"({"amount":3})"), R"({"sum":30,"total":31,"status":"done"})");
}

// A result that is not an object is replaced by the object of the output parameters.
TEST_F(InputOutputTest, ANonObjectResultBecomesTheOutputObject) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:scriptTask id='t'><bpmn:extensionElements><camunda:inputOutput>"
               "<camunda:outputParameter name='seen'>${amount}</camunda:outputParameter>"
               "</camunda:inputOutput></bpmn:extensionElements>"
               "<bpmn:script>return 'plain';</bpmn:script></bpmn:scriptTask>")));
  EXPECT_EQ(run_to_end(R"({"amount":5})"), R"({"seen":5})");
}

// A multi-instance activity maps each run: inputs see the loop's variables, outputs extend
// each run's result, and the activity's result is the array of the mapped runs.
TEST_F(InputOutputTest, ALoopMapsEachRun) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:scriptTask id='t'><bpmn:extensionElements><camunda:inputOutput>"
               "<camunda:inputParameter name='i'>${loopCounter}</camunda:inputParameter>"
               "<camunda:outputParameter name='n'>${v * 10}</camunda:outputParameter>"
               "</camunda:inputOutput></bpmn:extensionElements>"
               "<bpmn:multiInstanceLoopCharacteristics isSequential='true'>"
               "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
               "<bpmn:script>return {v: token.current.i + 1};</bpmn:script></bpmn:scriptTask>")));
  EXPECT_EQ(run_to_end("{}"), R"([{"v":1,"n":10},{"v":2,"n":20}])");
}

// A parameter that throws fails the instance with a message naming it.
TEST_F(InputOutputTest, AThrowingParameterFailsTheInstance) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:scriptTask id='t'><bpmn:extensionElements><camunda:inputOutput>"
               "<camunda:inputParameter name='bad'>${missing.field}</camunda:inputParameter>"
               "</camunda:inputOutput></bpmn:extensionElements>"
               "<bpmn:script>return 1;</bpmn:script></bpmn:scriptTask>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started);
  ASSERT_TRUE(eventually([&] {
    auto record = instance(started->process_instance_id);
    return record && record->state == ProcessInstanceState::error;
  }));
  EXPECT_NE(instance(started->process_instance_id)->error.find("camunda:inputParameter 'bad' of 't'"),
            std::string::npos)
      << instance(started->process_instance_id)->error;
}

// A user task's form default can use an input parameter; its outputs follow the form fields;
// its assignment attributes are listed, evaluated.
TEST_F(InputOutputTest, UserTaskInputsOutputsAndAssignment) {
  ASSERT_TRUE(deploy(process_xml(
      "p", std::string(kFlows) +
               "<bpmn:userTask id='t' camunda:assignee='${owner}' camunda:candidateUsers='ann, bob'"
               " camunda:candidateGroups='${groups}' camunda:dueDate='2026-12-24T12:00:00Z' camunda:priority='70'>"
               "<bpmn:extensionElements><camunda:formData>"
               "<camunda:formField id='note' type='string' defaultValue='${suggestion}'/></camunda:formData>"
               "<camunda:inputOutput>"
               "<camunda:inputParameter name='suggestion'>${'call ' + owner}</camunda:inputParameter>"
               "<camunda:outputParameter name='approvedNote'>${note}</camunda:outputParameter>"
               "</camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>")));
  StartRequest request;
  request.process_model_id = "p";
  request.input_values = R"({"owner":"carol","groups":"sales,audit"})";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  TaskQuery query;
  query.process_instance_id = started->process_instance_id;
  ASSERT_TRUE(eventually([&] { return tasks(query).value().items.size() == 1; }));
  const auto task = tasks(query).value().items[0];
  ASSERT_EQ(task.user_task.form_fields.size(), 1u);
  EXPECT_EQ(task.user_task.form_fields[0].default_value, R"("call carol")");
  const std::vector<std::pair<std::string, JsonText>> expected = {{"assignee", R"("carol")"},
                                                                  {"candidateUsers", R"(["ann","bob"])"},
                                                                  {"candidateGroups", R"(["sales","audit"])"},
                                                                  {"dueDate", R"("2026-12-24T12:00:00Z")"},
                                                                  {"priority", "70"}};
  EXPECT_EQ(task.user_task.assignment, expected);
  FinishTaskRequest finish_request;
  finish_request.process_instance_id = started->process_instance_id;
  finish_request.correlation_id = started->correlation_id;
  finish_request.flow_node_instance_id = task.flow_node_instance_id;
  finish_request.result = R"({"note":"ok"})";
  ASSERT_TRUE(finish(finish_request));
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "p").value().size() == 1; }));
  EXPECT_EQ(results(started->correlation_id, "p").value()[0].token_payload,
            R"({"form_fields":{"note":"ok"},"approvedNote":"ok"})");
}

// Without inputOutput nothing changes: the user task's result is its form fields only.
TEST_F(InputOutputTest, APlainUserTaskHasNoAssignmentAndItsUsualResult) {
  ASSERT_TRUE(deploy(process_xml("p", std::string(kFlows) + "<bpmn:userTask id='t'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started);
  TaskQuery query;
  query.process_instance_id = started->process_instance_id;
  ASSERT_TRUE(eventually([&] { return tasks(query).value().items.size() == 1; }));
  const auto task = tasks(query).value().items[0];
  EXPECT_TRUE(task.user_task.assignment.empty());
  FinishTaskRequest finish_request;
  finish_request.process_instance_id = started->process_instance_id;
  finish_request.correlation_id = started->correlation_id;
  finish_request.flow_node_instance_id = task.flow_node_instance_id;
  finish_request.result = R"({"x":1})";
  ASSERT_TRUE(finish(finish_request));
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "p").value().size() == 1; }));
  EXPECT_EQ(results(started->correlation_id, "p").value()[0].token_payload, R"({"form_fields":{"x":1}})");
}

}  // namespace
}  // namespace processhost::engine
