// Deleting a deployed model through the engine service, on the memory store.
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::call_sync;
using testing::EngineFixture;
using testing::process_xml;
using testing::test_identity;

const std::string kModel = process_xml("doomed",
                                       "<bpmn:startEvent id='s'/><bpmn:userTask id='t'/><bpmn:endEvent id='e'/>"
                                       "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
                                       "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>");

class EngineDeleteTest : public EngineFixture {
 protected:
  Status delete_model(const std::string& id) {
    return call_sync<Ok>([&](auto done) { engine_->delete_process_model(test_identity(), id, done); });
  }
  Result<ProcessModelInfo> model(const std::string& id) {
    return call_sync<ProcessModelInfo>([&](auto done) { engine_->get_process_model(test_identity(), id, done); });
  }
  std::vector<ProcessDefinitionRecord> stored_definitions() {
    return call_sync<std::vector<ProcessDefinitionRecord>>([&](auto done) { store_.load_definitions(done); }).value();
  }
  StartResult start_doomed() {
    StartRequest request;
    request.process_model_id = "doomed";
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started ? started.value() : StartResult{};
  }
  Status finish_only_task(const StartResult& started) {
    TaskQuery query;
    query.process_instance_id = started.process_instance_id;
    auto listed = tasks(query);
    if (!listed || listed->items.size() != 1) return make_error(ErrorStatus::internal, "not exactly one task waits");
    return finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                   listed->items.front().flow_node_instance_id, "{}"});
  }
};

TEST_F(EngineDeleteTest, WithoutInstancesEveryVersionGoesFromEngineAndStore) {
  ASSERT_TRUE(deploy(kModel));
  ASSERT_TRUE(deploy(kModel + "<!-- second version -->"));
  ASSERT_EQ(stored_definitions().size(), 2u);

  ASSERT_TRUE(delete_model("doomed"));

  EXPECT_TRUE(stored_definitions().empty());
  const auto found = model("doomed");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorKind::process_model_not_found);
  auto listed = call_sync<PagedList<ProcessModelInfo>>(
      [&](auto done) { engine_->list_process_models(test_identity(), PageRequest{}, done); });
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total_count, 0u);
  StartRequest request;
  request.process_model_id = "doomed";
  const auto started = start(request);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, ErrorKind::process_model_not_found);
}

TEST_F(EngineDeleteTest, UnknownOrAlreadyDeletedModelsAre404) {
  auto unknown = delete_model("never_deployed");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::process_model_not_found);
  EXPECT_EQ(unknown.error().status, ErrorStatus::not_found);
  ASSERT_TRUE(deploy(kModel));
  ASSERT_TRUE(delete_model("doomed"));
  auto again = delete_model("doomed");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::process_model_not_found);
}

TEST_F(EngineDeleteTest, RunningInstancesKeepTheirVersionAcrossARestart) {
  const auto info = deploy(kModel);
  ASSERT_TRUE(info);
  const auto running = start_doomed();
  ASSERT_TRUE(delete_model("doomed"));

  const auto kept = stored_definitions();
  ASSERT_EQ(kept.size(), 1u) << "the version the instance runs stays stored";
  EXPECT_EQ(kept.front().hash, info->hash);
  EXPECT_GT(kept.front().deleted_at_ms, 0);

  start_engine(EngineOptions{});
  EXPECT_FALSE(model("doomed")) << "still deleted after the restart";
  ASSERT_TRUE(finish_only_task(running));
  EXPECT_EQ(instance(running.process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EngineDeleteTest, DeployingADeletedModelAgainDeploysItAnew) {
  ASSERT_TRUE(deploy(kModel));
  const auto running = start_doomed();
  ASSERT_TRUE(delete_model("doomed"));

  ASSERT_TRUE(deploy(kModel));

  ASSERT_TRUE(model("doomed"));
  const auto stored = stored_definitions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored.front().deleted_at_ms, 0);
  start_engine(EngineOptions{});
  ASSERT_TRUE(model("doomed")) << "deployed again, also after a restart";
  ASSERT_TRUE(finish_only_task(running));
  start_doomed();
}

}  // namespace
}  // namespace processhost::engine
