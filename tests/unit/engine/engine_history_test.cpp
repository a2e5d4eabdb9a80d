// Cron start events seen from outside the engine (the cronjob events, active_cronjobs, the
// execution history in the store) and history retention on the memory store.
#include <mutex>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::call_sync;
using testing::eventually;
using testing::process_xml;
using testing::test_identity;

// A cron start event that fires every second, and one that is switched off.
const std::string kCron = process_xml(
    "cron_model",
    "<bpmn:startEvent id=\"every_second\"><bpmn:timerEventDefinition><bpmn:timeCycle>* * * * * *</bpmn:timeCycle>"
    "</bpmn:timerEventDefinition></bpmn:startEvent>"
    "<bpmn:startEvent id=\"switched_off\"><bpmn:extensionElements><camunda:properties>"
    "<camunda:property name=\"enabled\" value=\"false\"/></camunda:properties></bpmn:extensionElements>"
    "<bpmn:timerEventDefinition><bpmn:timeCycle>0 0 1 * * *</bpmn:timeCycle></bpmn:timerEventDefinition>"
    "</bpmn:startEvent>"
    "<bpmn:endEvent id=\"e\"/>"
    "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"every_second\" targetRef=\"e\"/>"
    "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"switched_off\" targetRef=\"e\"/>");

const std::string kQuick = process_xml("quick", "<bpmn:startEvent id=\"s\"/><bpmn:endEvent id=\"e\"/>"
                                                "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/>");
const std::string kWaits = process_xml("waits", "<bpmn:startEvent id=\"s\"/><bpmn:userTask id=\"ask\"/>"
                                                "<bpmn:endEvent id=\"e\"/>"
                                                "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"ask\"/>"
                                                "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"ask\" targetRef=\"e\"/>");

class EngineCronTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      std::lock_guard lock(mutex_);
      if (event.kind >= EngineEventKind::cronjob_executed) seen_.push_back(event);
    });
  }
  void TearDown() override {
    engine_->remove_listener(listener_);
    EngineFixture::TearDown();
  }
  std::vector<EngineEvent> seen(EngineEventKind kind) {
    std::lock_guard lock(mutex_);
    std::vector<EngineEvent> out;
    for (const auto& event : seen_) {
      if (event.kind == kind) out.push_back(event);
    }
    return out;
  }

  std::mutex mutex_;
  std::vector<EngineEvent> seen_;
  std::uint64_t listener_ = 0;
};

TEST_F(EngineCronTest, DeployExecuteAndDeleteAreReportedAndExecutionsRecorded) {
  ASSERT_TRUE(deploy(kCron).ok());
  const auto updated = seen(EngineEventKind::cronjob_updated);
  ASSERT_EQ(updated.size(), 1u) << "only the enabled start event";
  EXPECT_EQ(updated[0].process_model_id, "cron_model");
  EXPECT_EQ(updated[0].flow_node_id, "every_second");
  EXPECT_EQ(updated[0].payload, R"({"crontab":"* * * * * *"})");

  const auto active = call_sync<PagedList<CronjobInfo>>(
      [&](auto done) { engine_->active_cronjobs(test_identity(), PageRequest{}, done); });
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active.value().total_count, 1u);
  EXPECT_EQ(active.value().items[0].start_event_id, "every_second");
  EXPECT_EQ(active.value().items[0].crontab, "* * * * * *");
  ASSERT_TRUE(active.value().items[0].next_execution_ms.has_value());

  ASSERT_TRUE(eventually([&] { return !seen(EngineEventKind::cronjob_executed).empty(); }, std::chrono::seconds(5)));
  const auto executed = seen(EngineEventKind::cronjob_executed).front();
  EXPECT_EQ(executed.flow_node_id, "every_second");
  EXPECT_FALSE(executed.process_instance_id.empty());
  EXPECT_EQ(executed.correlation_id.rfind("cronjob_", 0), 0u);
  const auto started = instance(executed.process_instance_id);
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ(started->process_model_id, "cron_model");

  CronjobHistoryQuery query;
  query.process_model_id = "cron_model";
  const auto history = call_sync<PagedList<CronjobExecutionRecord>>(
      [&](auto done) { store_.query_cronjob_history(query, done); });
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history.value().total_count, 1u);
  EXPECT_EQ(history.value().items[0].process_instance_id, executed.process_instance_id);
  EXPECT_EQ(history.value().items[0].executed_at_ms, executed.timestamp_ms);

  ASSERT_TRUE(call_sync<Ok>([&](auto done) { engine_->delete_process_model(test_identity(), "cron_model", done); }).ok());
  const auto removed = seen(EngineEventKind::cronjob_removed);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].flow_node_id, "every_second");
  const auto after = call_sync<PagedList<CronjobInfo>>(
      [&](auto done) { engine_->active_cronjobs(test_identity(), PageRequest{}, done); });
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value().total_count, 0u);
}

TEST_F(EngineCronTest, RetentionRemovesEndedInstancesOnly) {
  EngineOptions options;
  options.history_ttl = std::chrono::milliseconds(50);
  options.history_cleanup_interval = std::chrono::milliseconds(20);
  options.history_cleanup_batch = 1;
  options.history_cleanup_pause = std::chrono::milliseconds(0);
  start_engine(options);
  ASSERT_TRUE(deploy(kQuick).ok());
  const auto waits_deployed = deploy(kWaits);
  ASSERT_TRUE(waits_deployed.ok()) << waits_deployed.error().message;
  StartRequest quick;
  quick.process_model_id = "quick";
  quick.callback_type = StartCallbackType::on_process_finished;
  const auto first = start(quick);
  const auto second = start(quick);
  StartRequest waits;
  waits.process_model_id = "waits";
  const auto waiting = start(waits);
  ASSERT_TRUE(first.ok() && second.ok() && waiting.ok());
  EXPECT_TRUE(eventually([&] {
    return !instance(first.value().process_instance_id) && !instance(second.value().process_instance_id);
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto kept = instance(waiting.value().process_instance_id);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->state, ProcessInstanceState::running);
}

}  // namespace
}  // namespace processhost::engine
