#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::process_xml;

class TokenSemantics : public EngineFixture {
 protected:
  Result<StartResult> run(const std::string& model, const std::string& input) {
    StartRequest request;
    request.process_model_id = model;
    request.input_values = input;
    request.callback_type = StartCallbackType::on_process_finished;
    return start(request);
  }
  static std::string flow(const std::string& id, const std::string& from, const std::string& to,
                          const std::string& condition = "") {
    return "<bpmn:sequenceFlow id='" + id + "' sourceRef='" + from + "' targetRef='" + to + "'>" +
           (condition.empty() ? "" : "<bpmn:conditionExpression>" + condition + "</bpmn:conditionExpression>") +
           "</bpmn:sequenceFlow>";
  }
  static std::string script(const std::string& id, const std::string& body) {
    return "<bpmn:scriptTask id='" + id + "'><bpmn:script>" + body + "</bpmn:script></bpmn:scriptTask>";
  }
};

TEST_F(TokenSemantics, ExclusiveGatewayConditionsDefaultFlowAndErrors) {
  ASSERT_TRUE(deploy(process_xml("xor",
      "<bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g' default='fd'/>" + script("a", "return 'a';") +
      script("d", "return 'default';") + "<bpmn:endEvent id='e'/>" + flow("f1", "s", "g") +
      flow("fa", "g", "a", "token.current.pick === 'a';") + flow("fb", "g", "e", "token.current.pick === 'b' || token.current.both") +
      flow("fx", "g", "e", "token.current.both === true") + flow("fd", "g", "d") + flow("f2", "a", "e") + flow("f3", "d", "e"))));
  EXPECT_EQ(run("xor", R"({"pick":"a"})")->token_payload, "\"a\"");
  EXPECT_EQ(run("xor", R"({"pick":"z"})")->token_payload, "\"default\"");
  EXPECT_EQ(run("xor", R"({"pick":"b"})")->token_payload, R"({"pick":"b"})");  // a gateway passes the payload on
  auto both = run("xor", R"({"both":true})");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().status, ErrorStatus::bad_request);
  EXPECT_NE(both.error().message.find("More than one outgoing SequenceFlow for ExclusiveGateway g"), std::string::npos);
}

TEST_F(TokenSemantics, ExclusiveGatewayWithoutTruthyConditionOrDefaultFails) {
  ASSERT_TRUE(deploy(process_xml("none",
      "<bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g'/><bpmn:endEvent id='e'/>" + flow("f1", "s", "g") +
      flow("fa", "g", "e", "1 === 2;") + flow("fb", "g", "e", "undefinedThing.x") + flow("fc", "g", "e"))));
  auto failed = run("none", "{}");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().status, ErrorStatus::bad_request);
  EXPECT_NE(failed.error().message.find("No outgoing SequenceFlow for ExclusiveGateway g"), std::string::npos);
}

TEST_F(TokenSemantics, ParallelJoinCollectsTheLastResultOfEachBranch) {
  ASSERT_TRUE(deploy(process_xml("par",
      "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/>" + script("a", "return token.current.x + 1;") +
      script("b", "return 'b';") + "<bpmn:parallelGateway id='join'/>" +
      script("after", "return {join: token.current, a: token.history.a, b: token.history.b, split: token.history.split};") +
      "<bpmn:endEvent id='e'/>" + flow("f1", "s", "split") + flow("f2", "split", "a") + flow("f3", "split", "b") +
      flow("f4", "a", "join") + flow("f5", "b", "join") + flow("f6", "join", "after") + flow("f7", "after", "e"))));
  auto done = run("par", R"({"x":1})");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->token_payload, R"({"join":{"a":2,"b":"b"},"a":2,"b":"b","split":{}})");
}

TEST_F(TokenSemantics, MixedGatewaysFailWhenReached) {
  ASSERT_TRUE(deploy(process_xml("mixed",
      "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='g'/><bpmn:endEvent id='e'/>" + flow("f1", "s", "g") +
      flow("f2", "g", "e"))));
  auto failed = run("mixed", "{}");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().status, ErrorStatus::unprocessable);
  EXPECT_NE(failed.error().message.find("Mixed Gateways are NOT supported"), std::string::npos);
}

TEST_F(TokenSemantics, SubProcessSeesParentHistoryAndReturnsItsEndPayload) {
  ASSERT_TRUE(deploy(process_xml("sub",
      "<bpmn:startEvent id='s'/>" + script("first", "return {v: 'outer'};") +
      "<bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>" +
      script("inner", "return {seen: token.history.first.v, start: token.history.is.v};") +
      "<bpmn:endEvent id='ie'/>" + flow("i1", "is", "inner") + flow("i2", "inner", "ie") + "</bpmn:subProcess>" +
      script("last", "return {sub: token.current, keys: Object.keys(token.history)};") + "<bpmn:endEvent id='e'/>" +
      flow("f1", "s", "first") + flow("f2", "first", "sp") + flow("f3", "sp", "last") + flow("f4", "last", "e"))));
  auto done = run("sub", "{}");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->token_payload, R"({"sub":{"seen":"outer","start":"outer"},"keys":["s","first","sp"]})");
}

TEST_F(TokenSemantics, ErrorAndTerminateEndEvents) {
  ASSERT_TRUE(deploy("<?xml version='1.0'?><bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
      "<bpmn:process id='ends' isExecutable='true'><bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g'/>"
      "<bpmn:endEvent id='err'><bpmn:errorEventDefinition errorRef='E1'/></bpmn:endEvent>"
      "<bpmn:endEvent id='term'><bpmn:terminateEventDefinition/></bpmn:endEvent>" +
      flow("f1", "s", "g") + flow("f2", "g", "err", "token.current === 'error'") +
      flow("f3", "g", "term", "token.current === 'terminate'") +
      "</bpmn:process><bpmn:error id='E1' name='Expected Error' errorCode='expectedError'/></bpmn:definitions>"));
  auto error = run("ends", "\"error\"");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().bpmn_code.value_or("-"), "expectedError");
  EXPECT_EQ(error.error().bpmn_name.value_or("-"), "Expected Error");
  auto terminated = run("ends", "\"terminate\"");
  ASSERT_FALSE(terminated);
  EXPECT_EQ(terminated.error().status, ErrorStatus::internal);
  EXPECT_EQ(terminated.error().message, "Process was terminated through TerminateEndEvent 'term'");
}

TEST_F(TokenSemantics, FormFieldExpressionsKeepTheirTypeAndBrokenOnesFailTheInstance) {
  ASSERT_TRUE(deploy(process_xml("form",
      "<bpmn:startEvent id='s'/>" + script("values", "return {one: 1, two: 'zwei'};") +
      "<bpmn:exclusiveGateway id='g'/><bpmn:userTask id='ok'><bpmn:extensionElements><camunda:formData>"
      "<camunda:formField id='a' type='string' label='${token.history.values.one}' defaultValue='${token.current.two}'/>"
      "<camunda:formField id='b' type='long' label='plain' defaultValue='3'/></camunda:formData></bpmn:extensionElements>"
      "</bpmn:userTask><bpmn:userTask id='broken'><bpmn:extensionElements><camunda:formData><camunda:formField "
      "id='bad' type='string' label='${token.totally.invalid}'/></camunda:formData></bpmn:extensionElements></bpmn:userTask>"
      "<bpmn:endEvent id='e'/>" + flow("f1", "s", "values") + flow("f2", "values", "g") +
      flow("f3", "g", "ok", "token.history.s.broken !== true") + flow("f4", "g", "broken", "token.history.s.broken === true") +
      flow("f5", "ok", "e") + flow("f6", "broken", "e"))));
  StartRequest request;
  request.process_model_id = "form";
  request.input_values = "{}";
  ASSERT_TRUE(start(request));
  auto listed = tasks(TaskQuery{});
  ASSERT_EQ(listed->items.size(), 1u);
  const auto& fields = listed->items[0].user_task.form_fields;
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].label.value_or("-"), "1");
  EXPECT_EQ(fields[0].default_value.value_or("-"), "\"zwei\"");
  EXPECT_EQ(fields[1].label.value_or("-"), "\"plain\"");
  EXPECT_EQ(fields[1].default_value.value_or("-"), "\"3\"");

  auto broken = run("form", R"({"broken":true})");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().status, ErrorStatus::internal);
  EXPECT_EQ(broken.error().message, "The configuration for FormField bad is invalid!");
  EXPECT_NE(broken.error().additional_information.find(R"("invalidFormFieldId":"bad")"), std::string::npos);
}


TEST_F(TokenSemantics, ErrorBoundaryOnASubProcessCatchesAnInnerErrorAndEndsTheSubProcess) {
  ASSERT_TRUE(deploy("<?xml version='1.0'?><bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
      "<bpmn:process id='caught' isExecutable='true'><bpmn:startEvent id='s'/>"
      "<bpmn:subProcess id='sp'><bpmn:startEvent id='is'/><bpmn:parallelGateway id='fork'/><bpmn:userTask id='wait'/>"
      "<bpmn:endEvent id='boom'><bpmn:errorEventDefinition errorRef='E1'/></bpmn:endEvent><bpmn:endEvent id='ie'/>" +
      flow("i1", "is", "fork") + flow("i2", "fork", "wait") + flow("i3", "fork", "boom") + flow("i4", "wait", "ie") +
      "</bpmn:subProcess><bpmn:boundaryEvent id='onError' attachedToRef='sp'><bpmn:errorEventDefinition errorRef='E1'/>"
      "</bpmn:boundaryEvent>" + script("handled", "return {caught: token.current.code, name: token.current.name};") +
      "<bpmn:endEvent id='e'/><bpmn:endEvent id='e2'/>" + flow("f1", "s", "sp") + flow("f2", "sp", "e2") +
      flow("f3", "onError", "handled") + flow("f4", "handled", "e") +
      "</bpmn:process><bpmn:error id='E1' name='Boom' errorCode='boom'/></bpmn:definitions>"));
  auto done = run("caught", "{}");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->end_event_id, "e");
  EXPECT_EQ(done->token_payload, R"({"caught":"boom","name":"Boom"})");
  auto waiting = tasks(TaskQuery{});
  ASSERT_TRUE(waiting);
  EXPECT_TRUE(waiting->items.empty()) << "the user task inside the sub-process ended with it";
}

// The branch that fails is taken first: the other branch's arrival is still queued when the
// error ends the sub-process, and must be dropped with it, not entered afterwards.
TEST_F(TokenSemantics, ErrorInASubProcessDropsTheBranchesStillQueuedInIt) {
  ASSERT_TRUE(deploy("<?xml version='1.0'?><bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
      "<bpmn:process id='queued' isExecutable='true'><bpmn:startEvent id='s'/>"
      "<bpmn:subProcess id='sp'><bpmn:startEvent id='is'/><bpmn:parallelGateway id='fork'/><bpmn:userTask id='wait'/>"
      "<bpmn:endEvent id='boom'><bpmn:errorEventDefinition errorRef='E1'/></bpmn:endEvent><bpmn:endEvent id='ie'/>" +
      flow("i1", "is", "fork") + flow("i3", "fork", "boom") + flow("i2", "fork", "wait") + flow("i4", "wait", "ie") +
      "</bpmn:subProcess><bpmn:boundaryEvent id='onError' attachedToRef='sp'><bpmn:errorEventDefinition errorRef='E1'/>"
      "</bpmn:boundaryEvent><bpmn:endEvent id='e'/><bpmn:endEvent id='e2'/>" + flow("f1", "s", "sp") +
      flow("f2", "sp", "e2") + flow("f3", "onError", "e") +
      "</bpmn:process><bpmn:error id='E1' name='Boom' errorCode='boom'/></bpmn:definitions>"));
  auto done = run("queued", "{}");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->end_event_id, "e");
  auto waiting = tasks(TaskQuery{});
  ASSERT_TRUE(waiting);
  EXPECT_TRUE(waiting->items.empty()) << "the queued branch ended with the sub-process";
}

// A join keys each branch by its last node's result: for events that record {} but pass the
// payload on (link catch, message / signal throw) that is {}, not the payload.
TEST_F(TokenSemantics, ParallelJoinTakesTheRecordedResultOfAnEventNotItsPayload) {
  ASSERT_TRUE(deploy(process_xml("joinlink",
      "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/>" + script("a", "return 'A';") +
      "<bpmn:intermediateThrowEvent id='lt'><bpmn:linkEventDefinition name='L'/></bpmn:intermediateThrowEvent>"
      "<bpmn:intermediateCatchEvent id='lc'><bpmn:linkEventDefinition name='L'/></bpmn:intermediateCatchEvent>" +
      script("b", "return 'b';") + "<bpmn:parallelGateway id='join'/><bpmn:endEvent id='e'/>" + flow("f1", "s", "split") +
      flow("f2", "split", "a") + flow("f3", "a", "lt") + flow("f4", "lc", "join") + flow("f5", "split", "b") +
      flow("f6", "b", "join") + flow("f7", "join", "e"))));
  auto done = run("joinlink", "{}");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->token_payload, R"({"b":"b","lc":{}})");
}

// A script the runtime cannot compile deploys with a warning and fails every time it runs
// with the SyntaxError, as a script error: an error boundary catches it.
TEST_F(TokenSemantics, ScriptThatDoesNotCompileDeploysAndFailsEachRunAsAScriptError) {
  ASSERT_TRUE(deploy("<?xml version='1.0'?><bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
      "<bpmn:process id='es6' isExecutable='true'><bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g'/>" +
      script("bad", "const f = () =&gt; 1; return f(;") + script("bad2", "return [1].map(x =&gt; x) +;") +
      "<bpmn:boundaryEvent id='caught' attachedToRef='bad'><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
      "<bpmn:endEvent id='e'/><bpmn:endEvent id='ec'/>" + flow("f1", "s", "g") +
      flow("f2", "g", "bad", "token.current === 'caught'") + flow("f3", "g", "bad2", "token.current === 'uncaught'") +
      flow("f4", "bad", "e") + flow("f5", "bad2", "e") + flow("f6", "caught", "ec") + "</bpmn:process></bpmn:definitions>",
      "es6.bpmn"));
  bool warned = false;
  for (const auto& line : logger_.lines()) {
    warned = warned || (line.find("es6.bpmn") != std::string::npos &&
                        line.find("script of 'bad' does not compile") != std::string::npos);
  }
  EXPECT_TRUE(warned) << "the deploy logs a warning naming the script task";
  for (int run_number = 0; run_number < 2; ++run_number) {
    auto caught = run("es6", "\"caught\"");
    ASSERT_TRUE(caught) << caught.error().message;
    EXPECT_EQ(caught->end_event_id, "ec");
    const std::string payload = caught->token_payload.value_or("");
    EXPECT_NE(payload.find(R"("message":"SyntaxError)"), std::string::npos) << payload;
    EXPECT_NE(payload.find(R"("code":500)"), std::string::npos) << payload;
    auto failed = run("es6", "\"uncaught\"");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().status, ErrorStatus::internal);
    EXPECT_EQ(failed.error().message.rfind("SyntaxError", 0), 0u) << failed.error().message;
  }
}

}  // namespace
}  // namespace processhost::engine
