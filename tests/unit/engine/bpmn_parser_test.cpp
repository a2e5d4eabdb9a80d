#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "behaviours/behaviours.hpp"
#include "engine_fixture.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "scripting/script_runtime.hpp"

namespace processhost::engine {
namespace {

using testing::process_xml;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ParseOptions engine_options() {
  ParseOptions options;
  options.supports = check_node_supported;
  options.check_syntax = check_script_syntax;
  return options;
}

bool has_problem(const ParseOutcome& outcome, const std::string& element_id, const std::string& text) {
  for (const auto& problem : outcome.problems) {
    if (problem.element_id == element_id && problem.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string problems_of(const ParseOutcome& outcome) { return problems_to_json(outcome.problems); }

TEST(BpmnParser, ParsesTheSampleProcess) {
  const auto outcome = parse_bpmn(read_file(PROCESSHOST_SAMPLE_BPMN), engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  const auto& model = *outcome.model;
  EXPECT_EQ(model.id, "sample_process");
  EXPECT_TRUE(model.executable);
  EXPECT_EQ(model.hash.size(), 64u);
  ASSERT_EQ(model.nodes.size(), 4u);
  ASSERT_EQ(model.start_events.size(), 1u);
  EXPECT_EQ(model.nodes[model.start_events[0]].id, "StartEvent_1");
  const auto* script = model.find("scriptTask_CreateSampleResult");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->kind, NodeKind::script_task);
  EXPECT_EQ(script->name, "Say Hello!");
  EXPECT_EQ(script->lane, "sample_lane");
  EXPECT_FALSE(script->script->uses_token);
  const auto* task = model.find("UserTask_1");
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->bpmn_type, "bpmn:UserTask");
  ASSERT_EQ(task->form_fields.size(), 1u);
  EXPECT_EQ(task->form_fields[0].id, "TaskWasSuccessful");
  EXPECT_EQ(task->form_fields[0].type, "boolean");
  EXPECT_FALSE(task->form_fields[0].label.has_value());
  ASSERT_EQ(task->incoming.size(), 1u);
  EXPECT_EQ(model.flows[task->incoming[0]].id, "SequenceFlow_03u70rm");
  EXPECT_EQ(model.nodes[model.flows[task->outgoing[0]].target].id, "EndEvent_Success");
}

// The expected digests were computed outside the code under test (sha256sum of the exact
// bytes; the empty string and "abc" are the FIPS 180-2 examples).
TEST(BpmnParser, TheModelHashIsTheHexSha256OfTheDocument) {
  const std::string xml =
      R"(<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">)"
      R"(<bpmn:process id="hashed" isExecutable="true"><bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>)"
      R"(<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/></bpmn:process></bpmn:definitions>)";
  const auto outcome = parse_bpmn(xml);
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  EXPECT_EQ(outcome.model->hash, "e77eb1a9e42f7213ae7827d8414f7b1df3532285e9bb01051124b6400c1186b9");
  EXPECT_EQ(content_hash(xml + " "), "0e7f7b685568c6a4d45666ad26610afedde0a277f3711bb7ed72f461f60a82d8");
  EXPECT_EQ(content_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(content_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BpmnParser, ReadsFormFieldsEnumsPropertiesAndNestedLanes) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:laneSet><bpmn:lane id='L1' name='outer'><bpmn:flowNodeRef>s</bpmn:flowNodeRef>"
      "<bpmn:flowNodeRef>t</bpmn:flowNodeRef><bpmn:childLaneSet><bpmn:lane id='L2' name='inner'>"
      "<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane></bpmn:childLaneSet></bpmn:lane></bpmn:laneSet>"
      "<bpmn:startEvent id='s'/><bpmn:userTask id='t'><bpmn:documentation>Do it</bpmn:documentation>"
      "<bpmn:extensionElements><camunda:properties><camunda:property name='preferredControl' value='confirm'/>"
      "</camunda:properties><camunda:formData><camunda:formField id='f' label='${token.current.x}' type='enum' "
      "defaultValue='b'><camunda:value id='a' name='A'/><camunda:value id='b' name='B'/>"
      "<camunda:properties><camunda:property id='preferredControl' value='radio'/></camunda:properties>"
      "</camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/><bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>"),
      engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  const auto& model = *outcome.model;
  EXPECT_EQ(model.find("s")->lane, "outer");
  const auto* task = model.find("t");
  EXPECT_EQ(task->lane, "inner");
  EXPECT_EQ(task->documentation, "Do it");
  ASSERT_NE(task->property("preferredControl"), nullptr);
  EXPECT_EQ(*task->property("preferredControl"), "confirm");
  EXPECT_TRUE(task->has_form_expressions);
  const auto& field = task->form_fields.at(0);
  EXPECT_TRUE(field.label->script.has_value());
  EXPECT_FALSE(field.default_value->script.has_value());
  ASSERT_EQ(field.enum_values.size(), 2u);
  EXPECT_EQ(field.enum_values[1].first, "b");
  EXPECT_EQ(field.enum_values[1].second, "B");
  ASSERT_TRUE(field.preferred_control.has_value());
  EXPECT_EQ(field.preferred_control->text, "radio");
}

// BPMN 2.0, 10.5.2: without a start event, the nodes without incoming flow start; only a
// process where every node has one (a cycle) has nothing to start.
TEST(BpmnParser, ProcessWithoutStartEventStartsAtItsNodesWithoutIncomingFlow) {
  const auto implicit = parse_bpmn(process_xml("p", "<bpmn:task id='t'/><bpmn:task id='u'/><bpmn:task id='v'/>"
                                                    "<bpmn:sequenceFlow id='f' sourceRef='u' targetRef='v'/>"),
                                   engine_options());
  ASSERT_TRUE(implicit.ok()) << problems_of(implicit);
  const auto& model = *implicit.model;
  EXPECT_TRUE(model.start_events.empty());
  EXPECT_EQ(model.implicit_starts, (std::vector<std::size_t>{model.index_of("t"), model.index_of("u")}));
  // An end event is optional (BPMN 2.0, 10.5.3): tokens end where no flow leads on.
  const auto cycle = parse_bpmn(process_xml("p", "<bpmn:task id='a'/><bpmn:task id='b'/>"
                                                 "<bpmn:sequenceFlow id='f1' sourceRef='a' targetRef='b'/>"
                                                 "<bpmn:sequenceFlow id='f2' sourceRef='b' targetRef='a'/>"),
                                engine_options());
  EXPECT_FALSE(cycle.ok());
  EXPECT_TRUE(has_problem(cycle, "p", "has no start event and no node without incoming flow")) << problems_of(cycle);
}

TEST(BpmnParser, RejectsDanglingFlows) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='nowhere'/>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "f1", "dangling")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "f1", "'nowhere'")) << problems_of(outcome);
}

// A flow to an element refused as unsupported is not reported again as dangling: the list
// names each cause once.
TEST(BpmnParser, FlowsToARefusedElementAreNotReportedAsDangling) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:complexGateway id='g'/><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='g'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='g' targetRef='e'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='s' targetRef='nowhere'/>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "g", "not supported")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "f1", "dangling")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "f2", "dangling")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "f3", "dangling")) << problems_of(outcome);
}

// A send task or message end event that Camunda 7 runs in Java is refused for that reason, not
// for the messageRef it does not need there.
TEST(BpmnParser, JavaMessageSendersAreNamedAsJava) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:sendTask id='send' camunda:class='org.example.Send'/>"
      "<bpmn:endEvent id='e'><bpmn:messageEventDefinition camunda:delegateExpression='${sender}'/></bpmn:endEvent>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='send'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='send' targetRef='e'/>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "send", "send task 'send' is implemented in Java (camunda:class=\"org.example.Send\")"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "e", "message event 'e' is implemented in Java (camunda:delegateExpression"))
      << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "send", "messageRef:")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "e", "without messageRef")) << problems_of(outcome);
}

// Camunda 7 listeners that do something are refused (running without them would skip their
// work silently); the empty ones some modelers write are ignored.
TEST(BpmnParser, ListenersThatDoSomethingAreRefusedEmptyOnesIgnored) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'><bpmn:extensionElements>"
      "<camunda:executionListener class='' event=''/></bpmn:extensionElements></bpmn:startEvent>"
      "<bpmn:userTask id='t'><bpmn:extensionElements>"
      "<camunda:taskListener event='create' delegateExpression='${notifier}'/>"
      "<camunda:executionListener event='end'><camunda:script scriptFormat='javascript'>"
      "execution.setVariable('x', 1);</camunda:script></camunda:executionListener>"
      "</bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'><bpmn:extensionElements>"
      "<camunda:executionListener class='org.example.Audit' event='take'/></bpmn:extensionElements>"
      "</bpmn:sequenceFlow>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "t", "the task listener (event 'create') of 't' is implemented in Java "
                                        "(camunda:delegateExpression=\"${notifier}\")"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "t", "the execution listener (event 'end') of 't' is a script listener"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "f2", "camunda:class=\"org.example.Audit\"")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "s", "listener")) << problems_of(outcome);
  EXPECT_EQ(outcome.problems.size(), 3u) << problems_of(outcome);
}

// Camunda 8's FEEL conditions ('=x > 1') are named as such, not as a JavaScript syntax error.
TEST(BpmnParser, FeelConditionsAreNamed) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='e'>"
      "<bpmn:conditionExpression>= amount &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "f1", "is a FEEL expression ('= amount > 1')")) << problems_of(outcome);
  EXPECT_EQ(outcome.problems.size(), 1u) << problems_of(outcome);
}

TEST(BpmnParser, RejectsUnknownAndUnsupportedElements) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:complexGateway id='g'/><bpmn:boundaryEvent id='b' attachedToRef='s'/>"
      "<bpmn:endEvent id='e'><bpmn:cancelEventDefinition/></bpmn:endEvent>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "g", "bpmn:complexGateway 'g' is not supported")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "b", "not supported")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "e", "bpmn:cancelEventDefinition on 'e' is not supported"))
      << problems_of(outcome);
}

// bpmn:escalation definitions resolve on throw, end and boundary events; a boundary event
// without escalationRef catches all (empty code).
std::string escalation_xml(const std::string& body) {
  return "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
         "<bpmn:escalation id='E1' name='Late' escalationCode='late'/><bpmn:escalation id='E0' name='NoCode'/>"
         "<bpmn:process id='p' isExecutable='true'>" + body + "</bpmn:process></bpmn:definitions>";
}

TEST(BpmnParser, ReadsEscalationDefinitionsOnThrowEndAndBoundaryEvents) {
  const auto outcome = parse_bpmn(escalation_xml(
      "<bpmn:startEvent id='s'/><bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>"
      "<bpmn:intermediateThrowEvent id='t'><bpmn:escalationEventDefinition escalationRef='E1'/>"
      "</bpmn:intermediateThrowEvent><bpmn:endEvent id='ie'><bpmn:escalationEventDefinition escalationRef='E1'/>"
      "</bpmn:endEvent><bpmn:sequenceFlow id='i1' sourceRef='is' targetRef='t'/>"
      "<bpmn:sequenceFlow id='i2' sourceRef='t' targetRef='ie'/></bpmn:subProcess><bpmn:endEvent id='e'/>"
      "<bpmn:boundaryEvent id='b' attachedToRef='sp' cancelActivity='false'><bpmn:escalationEventDefinition/>"
      "</bpmn:boundaryEvent><bpmn:endEvent id='eb'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='sp'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='sp' targetRef='e'/><bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/>"),
      engine_options());
  ASSERT_TRUE(outcome.model) << problems_of(outcome);
  const auto& model = *outcome.model;
  const auto& thrower = model.nodes[model.index_of("t")];
  EXPECT_EQ(thrower.event, EventDefinition::escalation);
  ASSERT_TRUE(thrower.escalation);
  EXPECT_EQ(thrower.escalation->code, "late");
  EXPECT_EQ(thrower.escalation->name, "Late");
  EXPECT_EQ(model.nodes[model.index_of("ie")].escalation->code, "late");
  const auto& boundary = model.nodes[model.index_of("b")];
  EXPECT_EQ(boundary.event, EventDefinition::escalation);
  ASSERT_TRUE(boundary.escalation);
  EXPECT_TRUE(boundary.escalation->code.empty());
  EXPECT_FALSE(boundary.cancel_activity);
}

TEST(BpmnParser, RefusesUnresolvableEscalationsAndEscalationBoundariesOffSubProcesses) {
  const auto outcome = parse_bpmn(escalation_xml(
      "<bpmn:startEvent id='s'/><bpmn:intermediateThrowEvent id='noref'><bpmn:escalationEventDefinition/>"
      "</bpmn:intermediateThrowEvent><bpmn:intermediateThrowEvent id='nocode'>"
      "<bpmn:escalationEventDefinition escalationRef='E0'/></bpmn:intermediateThrowEvent>"
      "<bpmn:userTask id='u'/><bpmn:endEvent id='e'><bpmn:escalationEventDefinition escalationRef='missing'/>"
      "</bpmn:endEvent><bpmn:boundaryEvent id='b' attachedToRef='u'><bpmn:escalationEventDefinition/>"
      "</bpmn:boundaryEvent><bpmn:endEvent id='eb'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='noref'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='noref' targetRef='nocode'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='nocode' targetRef='u'/>"
      "<bpmn:sequenceFlow id='f4' sourceRef='u' targetRef='e'/><bpmn:sequenceFlow id='f5' sourceRef='b' targetRef='eb'/>"),
      engine_options());
  EXPECT_FALSE(outcome.model);
  EXPECT_TRUE(has_problem(outcome, "noref", "without escalationRef")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "nocode", "has no escalationCode")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "e", "escalationRef 'missing' of 'e' names no bpmn:escalation"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "b", "supported on sub-processes and call activities only")) << problems_of(outcome);
}

// Java-only Camunda service tasks and nameless messages would run as silent no-ops or wait
// forever: the deploy refuses them, naming each element.
TEST(BpmnParser, RefusesJavaServiceTasksAndMessagesWithoutAName) {
  const auto outcome = parse_bpmn(
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "
      "xmlns:camunda='http://camunda.org/schema/1.0/bpmn' id='d'><bpmn:process id='p' isExecutable='true'>"
      "<bpmn:startEvent id='s'/>"
      "<bpmn:serviceTask id='java' camunda:class='org.example.Delegate'/>"
      "<bpmn:serviceTask id='bean' camunda:delegateExpression='${delegate}'/>"
      "<bpmn:serviceTask id='juel' camunda:expression='${service.run()}'/>"
      "<bpmn:receiveTask id='receive'/><bpmn:sendTask id='send'/>"
      "<bpmn:intermediateCatchEvent id='catch'><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>"
      "<bpmn:intermediateThrowEvent id='throw'><bpmn:signalEventDefinition/></bpmn:intermediateThrowEvent>"
      "<bpmn:endEvent id='e'/></bpmn:process></bpmn:definitions>",
      engine_options());
  EXPECT_FALSE(outcome.ok());
  EXPECT_TRUE(has_problem(outcome, "java", "implemented in Java (camunda:class=\"org.example.Delegate\")"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "java", "use camunda:type=\"external\"")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "bean", "camunda:delegateExpression")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "juel", "camunda:expression")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "receive", "bpmn:ReceiveTask 'receive' has no messageRef")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "send", "bpmn:SendTask 'send' has no messageRef")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "catch", "bpmn:messageEventDefinition without messageRef")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "throw", "bpmn:signalEventDefinition without signalRef")) << problems_of(outcome);
}

TEST(BpmnParser, RefusesLoopsThatCannotRun) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/>"
      "<bpmn:task id='nothing'><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>"
      "<bpmn:task id='forever'><bpmn:standardLoopCharacteristics/></bpmn:task>"
      "<bpmn:userTask id='watched'><bpmn:multiInstanceLoopCharacteristics>"
      "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
      "<bpmn:boundaryEvent id='b' attachedToRef='watched'><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M"
      "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
      "<bpmn:task id='undone'><bpmn:standardLoopCharacteristics loopMaximum='2'/></bpmn:task>"
      "<bpmn:boundaryEvent id='cb' attachedToRef='undone'><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
      "<bpmn:task id='undo' isForCompensation='true'/><bpmn:association id='a' sourceRef='cb' targetRef='undo'/>"
      "<bpmn:endEvent id='e'/>"), engine_options());
  EXPECT_TRUE(has_problem(outcome, "nothing", "has neither loopCardinality nor camunda:collection")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "forever", "has neither loopCondition nor loopMaximum")) << problems_of(outcome);
  // A timer boundary event belongs to the loop as a whole; a compensation boundary event is refused.
  EXPECT_FALSE(has_problem(outcome, "watched", "looping")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "b", "looping")) << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "cb", "compensation boundary event 'cb' is attached to the looping activity 'undone'"))
      << problems_of(outcome);
}

// What an inclusive join waits for: the nodes that can still reach it, through boundary and
// link events too, but not through the join itself and not from the other side of a split.
TEST(BpmnParser, InclusiveGatewayKnowsTheNodesUpstreamOfIt) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:inclusiveGateway id='split'/><bpmn:userTask id='a'/>"
      "<bpmn:boundaryEvent id='b' attachedToRef='away'><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration>"
      "</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:userTask id='away'/>"
      "<bpmn:intermediateThrowEvent id='throw'><bpmn:linkEventDefinition name='L'/></bpmn:intermediateThrowEvent>"
      "<bpmn:intermediateCatchEvent id='catch'><bpmn:linkEventDefinition name='L'/></bpmn:intermediateCatchEvent>"
      "<bpmn:inclusiveGateway id='join'/><bpmn:endEvent id='e'/><bpmn:endEvent id='e2'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='split'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='split' targetRef='a'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='split' targetRef='away'/>"
      "<bpmn:sequenceFlow id='f4' sourceRef='a' targetRef='join'/>"
      "<bpmn:sequenceFlow id='f5' sourceRef='away' targetRef='e2'/>"
      "<bpmn:sequenceFlow id='f6' sourceRef='b' targetRef='throw'/>"
      "<bpmn:sequenceFlow id='f7' sourceRef='catch' targetRef='join'/>"
      "<bpmn:sequenceFlow id='f8' sourceRef='join' targetRef='e'/>"), engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  const auto& model = *outcome.model;
  const auto& upstream = model.nodes[model.index_of("join")].upstream;
  ASSERT_EQ(upstream.size(), model.nodes.size());
  for (const char* id : {"s", "split", "a", "away", "b", "throw", "catch"}) {
    EXPECT_TRUE(upstream[model.index_of(id)]) << id;
  }
  for (const char* id : {"join", "e", "e2"}) EXPECT_FALSE(upstream[model.index_of(id)]) << id;
  EXPECT_TRUE(model.nodes[model.index_of("a")].upstream.empty());  // only inclusive gateways carry one
}

// Conditions are still refused at deploy: one that does not compile would count as false.
TEST(BpmnParser, RejectsBadConditionSyntaxButNotBadScriptSyntax) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g'/><bpmn:scriptTask id='st'>"
      "<bpmn:script>return (;</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='g'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='g' targetRef='st'><bpmn:conditionExpression>token.current ===</bpmn:conditionExpression></bpmn:sequenceFlow>"
      "<bpmn:sequenceFlow id='f3' sourceRef='g' targetRef='e'/><bpmn:sequenceFlow id='f4' sourceRef='st' targetRef='e'/>"),
      engine_options());
  EXPECT_TRUE(has_problem(outcome, "f2", "condition of sequence flow 'f2' does not compile")) << problems_of(outcome);
  EXPECT_FALSE(has_problem(outcome, "st", "does not compile")) << problems_of(outcome);
  EXPECT_EQ(outcome.problems.size(), 1u) << problems_of(outcome);
}

// Like the original engine, which compiles a script when it runs: the model deploys with a
// warning and the script carries its compile error, which every run reports.
TEST(BpmnParser, AcceptsScriptTaskThatDoesNotCompileWithAWarning) {
  const auto outcome = parse_bpmn(process_xml("p",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='st'><bpmn:script>setTimeout(() => {}</bpmn:script>"
      "</bpmn:scriptTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='st'/><bpmn:sequenceFlow id='f2' sourceRef='st' targetRef='e'/>"),
      engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_EQ(outcome.warnings[0].element_id, "st");
  EXPECT_NE(outcome.warnings[0].message.find("script of 'st' does not compile"), std::string::npos);
  const auto* node = outcome.model->find("st");
  ASSERT_NE(node, nullptr);
  ASSERT_TRUE(node->script.has_value());
  EXPECT_EQ(node->script->compile_error.rfind("SyntaxError", 0), 0u) << node->script->compile_error;
}

TEST(BpmnParser, RejectsBrokenXmlAndDocumentsWithoutProcess) {
  auto broken = parse_bpmn("<bpmn:definitions><bpmn:process>", engine_options());
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_NE(broken.problems[0].message.find("not well-formed"), std::string::npos);
  auto empty = parse_bpmn("<definitions/>", engine_options());
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_NE(empty.problems[0].message.find("no bpmn:process"), std::string::npos);
}

TEST(BpmnParser, ProblemsSerializeWithElementIds) {
  EXPECT_EQ(problems_to_json({{"f1", "dangling \"x\""}, {"", "doc"}}),
            R"([{"elementId":"f1","message":"dangling \"x\""},{"elementId":"","message":"doc"}])");
}

TEST(BpmnParser, ReadsTheValidationConstraintsOfFormFields) {
  const std::string xml =
      "<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL' "
      "xmlns:camunda='http://camunda.org/schema/1.0/bpmn'><process id='p' isExecutable='true'>"
      "<startEvent id='s'/><userTask id='u'><extensionElements><camunda:formData>"
      "<camunda:formField id='amount' type='long'><camunda:validation><camunda:constraint name='required'/>"
      "<camunda:constraint name='max' config='1000'/></camunda:validation></camunda:formField>"
      "</camunda:formData></extensionElements></userTask><endEvent id='e'/>"
      "<sequenceFlow id='a' sourceRef='s' targetRef='u'/><sequenceFlow id='b' sourceRef='u' targetRef='e'/>"
      "</process></definitions>";
  const auto outcome = parse_bpmn(xml, engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  const auto& field = outcome.model->find("u")->form_fields.at(0);
  ASSERT_EQ(field.validation.size(), 2u);
  EXPECT_EQ(field.validation[0], (std::pair<std::string, std::string>{"required", ""}));
  EXPECT_EQ(field.validation[1], (std::pair<std::string, std::string>{"max", "1000"}));
}

TEST(BpmnParser, AcceptsUndeclaredCamundaPrefixAndNoPrefix) {
  const std::string xml =
      "<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'><process id='p' isExecutable='true'>"
      "<startEvent id='s'/><userTask id='u'><extensionElements><camunda:formData><camunda:formField id='x' "
      "type='string'/></camunda:formData></extensionElements></userTask><endEvent id='e'/>"
      "<sequenceFlow id='a' sourceRef='s' targetRef='u'/><sequenceFlow id='b' sourceRef='u' targetRef='e'/>"
      "</process></definitions>";
  const auto outcome = parse_bpmn(xml, engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  EXPECT_EQ(outcome.model->find("u")->form_fields.at(0).id, "x");
}

// camunda:inputOutput: constants are JSON, anything with ${...} a script; scripts are refused.
TEST(BpmnParser, ReadsInputOutputParameters) {
  auto outcome = parse_bpmn(
      process_xml("p", "<bpmn:startEvent id='s'/><bpmn:task id='t'><bpmn:extensionElements><camunda:inputOutput>"
                       "<camunda:inputParameter name='a'>text</camunda:inputParameter>"
                       "<camunda:inputParameter name='b'>${x + 1}</camunda:inputParameter>"
                       "<camunda:inputParameter name='c'><camunda:list><camunda:value>1</camunda:value>"
                       "<camunda:map><camunda:entry key='k'>v</camunda:entry></camunda:map></camunda:list>"
                       "</camunda:inputParameter>"
                       "<camunda:inputParameter name='d'/>"
                       "<camunda:outputParameter name='o'>${y}</camunda:outputParameter>"
                       "</camunda:inputOutput></bpmn:extensionElements></bpmn:task>"
                       "<bpmn:sequenceFlow id='f' sourceRef='s' targetRef='t'/>"),
      engine_options());
  ASSERT_TRUE(outcome.model) << problems_of(outcome);
  const FlowNode* task = outcome.model->find("t");
  ASSERT_EQ(task->input_parameters.size(), 4u);
  EXPECT_EQ(task->input_parameters[0].name, "a");
  EXPECT_FALSE(task->input_parameters[0].script);
  EXPECT_EQ(task->input_parameters[0].constant, "\"text\"");
  EXPECT_TRUE(task->input_parameters[1].script);
  EXPECT_FALSE(task->input_parameters[2].script);
  EXPECT_EQ(task->input_parameters[2].constant, R"(["1",{"k":"v"}])");
  EXPECT_EQ(task->input_parameters[3].constant, "null");
  ASSERT_EQ(task->output_parameters.size(), 1u);
  EXPECT_EQ(task->output_parameters[0].name, "o");
  EXPECT_TRUE(task->output_parameters[0].script);
}

TEST(BpmnParser, RefusesScriptParametersAndUnnamedOnes) {
  auto outcome = parse_bpmn(
      process_xml("p", "<bpmn:startEvent id='s'/><bpmn:task id='t'><bpmn:extensionElements><camunda:inputOutput>"
                       "<camunda:inputParameter name='a'><camunda:script scriptFormat='javascript'>1"
                       "</camunda:script></camunda:inputParameter>"
                       "<camunda:outputParameter>x</camunda:outputParameter>"
                       "</camunda:inputOutput></bpmn:extensionElements></bpmn:task>"
                       "<bpmn:sequenceFlow id='f' sourceRef='s' targetRef='t'/>"),
      engine_options());
  EXPECT_FALSE(outcome.model);
  EXPECT_TRUE(has_problem(outcome, "t", "parameter 'a' of 't' is a camunda:script, which this engine does not run"))
      << problems_of(outcome);
  EXPECT_TRUE(has_problem(outcome, "t", "camunda:outputParameter of 't' has no name")) << problems_of(outcome);
}

TEST(BpmnParser, ReadsUserTaskAssignment) {
  auto outcome = parse_bpmn(
      process_xml("p", "<bpmn:startEvent id='s'/><bpmn:userTask id='t' camunda:assignee='ann'"
                       " camunda:candidateGroups='${groups}' camunda:followUpDate='2026-01-01'/>"
                       "<bpmn:sequenceFlow id='f' sourceRef='s' targetRef='t'/>"),
      engine_options());
  ASSERT_TRUE(outcome.model) << problems_of(outcome);
  const FlowNode* task = outcome.model->find("t");
  ASSERT_EQ(task->assignment.size(), 3u);
  EXPECT_EQ(task->assignment[0].first, "assignee");
  EXPECT_EQ(task->assignment[0].second.text, "ann");
  EXPECT_FALSE(task->assignment[0].second.script);
  EXPECT_EQ(task->assignment[1].first, "candidateGroups");
  EXPECT_TRUE(task->assignment[1].second.script);
  EXPECT_EQ(task->assignment[2].first, "followUpDate");
  EXPECT_TRUE(task->has_form_expressions);
}

// Event sub-processes are linked to the scope they wait in, compensation boundary events to
// their handler through the association, conditional events carry their condition.
TEST(BpmnParser, LinksEventSubProcessesCompensationHandlersAndConditions) {
  const auto outcome = parse_bpmn(
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
      "<bpmn:message id='M' name='Ping'/><bpmn:process id='p' isExecutable='true'>"
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='book'><bpmn:script>return 1;</bpmn:script></bpmn:scriptTask>"
      "<bpmn:boundaryEvent id='cb' attachedToRef='book'><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
      "<bpmn:task id='undo' isForCompensation='true'/><bpmn:association id='a' sourceRef='cb' targetRef='undo'/>"
      "<bpmn:intermediateCatchEvent id='c'><bpmn:conditionalEventDefinition><bpmn:condition>${x &gt; 1}"
      "</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
      "<bpmn:endEvent id='e'><bpmn:compensateEventDefinition activityRef='book'/></bpmn:endEvent>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='book'/><bpmn:sequenceFlow id='f2' sourceRef='book' "
      "targetRef='c'/><bpmn:sequenceFlow id='f3' sourceRef='c' targetRef='e'/>"
      "<bpmn:subProcess id='esp' triggeredByEvent='true'><bpmn:startEvent id='es' isInterrupting='false'>"
      "<bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent></bpmn:subProcess>"
      "</bpmn:process></bpmn:definitions>",
      engine_options());
  ASSERT_TRUE(outcome.ok()) << problems_of(outcome);
  const auto& model = *outcome.model;
  EXPECT_EQ(model.start_events, (std::vector<std::size_t>{model.index_of("s")}));
  EXPECT_EQ(model.event_starts, (std::vector<std::size_t>{model.index_of("es")}));
  const auto& start = model.nodes[model.index_of("es")];
  EXPECT_TRUE(start.starts_event_sub_process);
  EXPECT_FALSE(start.cancel_activity);
  EXPECT_EQ(start.event_name, "Ping");
  EXPECT_TRUE(model.nodes[model.index_of("esp")].triggered_by_event);
  EXPECT_EQ(model.nodes[model.index_of("book")].compensation_handler, model.index_of("undo"));
  EXPECT_EQ(model.nodes[model.index_of("e")].compensate_activity, model.index_of("book"));
  const auto& conditional = model.nodes[model.index_of("c")];
  EXPECT_EQ(conditional.event, EventDefinition::conditional);
  ASSERT_TRUE(conditional.condition);
  EXPECT_TRUE(model.has_conditional_events);
}

}  // namespace
}  // namespace processhost::engine
