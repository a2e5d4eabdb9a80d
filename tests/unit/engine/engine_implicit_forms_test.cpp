// Forms the standard allows without gateways or events, on a real engine and the memory store.
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;

class ImplicitFormsTest : public EngineFixture {};

// No end event: the instance finishes when its last token ends at a node without outgoing
// flow; there is no end event result.
TEST_F(ImplicitFormsTest, AProcessWithoutEndEventFinishesWhenItsTokensEnd) {
  ASSERT_TRUE(deploy(process_xml("p", "<bpmn:startEvent id='s'/><bpmn:scriptTask id='t'><bpmn:script>return 1;"
                                      "</bpmn:script></bpmn:scriptTask>"
                                      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_TRUE(eventually([&] {
    auto record = instance(started->process_instance_id);
    return record && record->state == ProcessInstanceState::finished;
  }));
  EXPECT_TRUE(results(started->correlation_id, "p").value().empty());
}

// Several incoming flows without a gateway merge uncontrolled: the node runs once per arrival.
TEST_F(ImplicitFormsTest, SeveralIncomingFlowsMergeUncontrolled) {
  ASSERT_TRUE(deploy(process_xml(
      "p", "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/>"
           "<bpmn:scriptTask id='a'><bpmn:script>return 'a';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:scriptTask id='b'><bpmn:script>return 'b';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:scriptTask id='merge'><bpmn:script>return token.current + '!';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:endEvent id='e'/>"
           "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='split'/>"
           "<bpmn:sequenceFlow id='f2' sourceRef='split' targetRef='a'/>"
           "<bpmn:sequenceFlow id='f3' sourceRef='split' targetRef='b'/>"
           "<bpmn:sequenceFlow id='f4' sourceRef='a' targetRef='merge'/>"
           "<bpmn:sequenceFlow id='f5' sourceRef='b' targetRef='merge'/>"
           "<bpmn:sequenceFlow id='f6' sourceRef='merge' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "p").value().size() == 2; }));
  auto reached = results(started->correlation_id, "p").value();
  EXPECT_EQ(reached[0].token_payload, R"("a!")");
  EXPECT_EQ(reached[1].token_payload, R"("b!")");
}

}  // namespace
}  // namespace processhost::engine
