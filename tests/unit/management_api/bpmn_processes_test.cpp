// The process ids read from a BPMN document before it is deployed.

#include "bpmn_processes.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::management_api {
namespace {

TEST(BpmnProcessIds, ListsEveryProcessWhateverThePrefix) {
  auto ids = bpmn_process_ids(
      R"(<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">)"
      R"(<bpmn:collaboration id="c"/><bpmn:process id="a"/><process id="b"/><x:process id="c"/></bpmn:definitions>)");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids.value(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(BpmnProcessIds, OnlyExecutableProcessesCountWhenThereAreAny) {
  // A collaboration: the executable process and a partner's pool without process logic.
  auto ids = bpmn_process_ids(
      R"(<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:collaboration id="c"/>)"
      R"(<bpmn:process id="customer" isExecutable="false"/><bpmn:process id="order" isExecutable="true"/>)"
      R"(<bpmn:process id="shipper"/></bpmn:definitions>)");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids.value(), (std::vector<std::string>{"order"}));

  auto two = bpmn_process_ids(R"(<definitions><process id="a" isExecutable="true"/><process id="b" isExecutable="false"/>)"
                              R"(<process id="c" isExecutable="true"/></definitions>)");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two.value(), (std::vector<std::string>{"a", "c"}));
}

TEST(BpmnProcessIds, NoProcessIsAnEmptyList) {
  auto ids = bpmn_process_ids("<definitions/>");
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids.value().empty());
}

TEST(BpmnProcessIds, TextThatIsNotXmlIs422WithTheOffset) {
  auto ids = bpmn_process_ids("<definitions><process id='a'></definitions>");
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.error().status, ErrorStatus::unprocessable);
  EXPECT_NE(ids.error().message.find("not well-formed XML"), std::string::npos) << ids.error().message;
  EXPECT_NE(ids.error().message.find("at offset"), std::string::npos) << ids.error().message;
}

}  // namespace
}  // namespace processhost::plugins::management_api
