// Repeating timer cycles R[n]/<duration>: the parser, timer start events that start an
// instance on each firing, and non-interrupting timer boundary events that fire n times
// while their activity waits. Short intervals and polling, never a timed assertion.
#include <mutex>
#include <thread>

#include "engine_fixture.hpp"
#include "model/repeating_cycle.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;
using testing::test_identity;

TEST(RepeatingCycle, ParsesCountStartAndDuration) {
  auto three = RepeatingCycle::parse("R3/PT10H");
  ASSERT_TRUE(three);
  EXPECT_EQ(three->repetitions, 3);
  EXPECT_FALSE(three->start_ms);
  EXPECT_EQ(three->interval_ms, 10 * 3600 * 1000LL);
  EXPECT_EQ(three->due(0, 1000), 1000 + 10 * 3600 * 1000LL);
  EXPECT_EQ(three->due(2, 0), 3 * 10 * 3600 * 1000LL);
  EXPECT_FALSE(three->due(3, 0));  // used up
  // Anchored at a deployment 25 h ago: two firings are past, the next is the third, at 30 h.
  const std::int64_t hour = 3600 * 1000LL;
  EXPECT_EQ(three->firings_since(1000, 1000 + 25 * hour), 2);
  EXPECT_EQ(three->due(three->firings_since(1000, 1000 + 25 * hour), 1000), 1000 + 30 * hour);
  EXPECT_EQ(three->firings_since(1000, 1000 + 10 * hour), 1);  // exactly at a firing: it is past
  EXPECT_EQ(three->firings_since(1000, 500), 0);
  EXPECT_FALSE(three->due(three->firings_since(0, 31 * hour), 0));  // all three past

  auto forever = RepeatingCycle::parse("R/PT1M");
  ASSERT_TRUE(forever);
  EXPECT_FALSE(forever->repetitions);
  EXPECT_EQ(forever->due(1000000, 0), 1000001 * 60000LL);

  auto dated = RepeatingCycle::parse("R3/1970-01-01T00:00:10Z/PT1S");
  ASSERT_TRUE(dated);
  EXPECT_EQ(dated->start_ms, 10000);
  EXPECT_EQ(dated->due(0, 999999), 10000);  // a start date wins over the anchor
  EXPECT_EQ(dated->due(2, 0), 12000);
  EXPECT_EQ(dated->firings_over(5000), 0);
  EXPECT_EQ(dated->firings_over(11500), 2);  // 10 s and 11 s are over
  EXPECT_FALSE(dated->due(dated->firings_over(13000), 0));

  EXPECT_EQ(RepeatingCycle::parse("R0/PT1S")->repetitions, 0);
  EXPECT_FALSE(RepeatingCycle::parse("* * * * * *"));
  EXPECT_FALSE(RepeatingCycle::parse("R3"));
  EXPECT_FALSE(RepeatingCycle::parse("R-1/PT1S"));
  EXPECT_FALSE(RepeatingCycle::parse("Rx/PT1S"));
  EXPECT_FALSE(RepeatingCycle::parse("R3/PT0S"));
  EXPECT_FALSE(RepeatingCycle::parse("R3/tomorrow/PT1S"));
  EXPECT_FALSE(RepeatingCycle::parse("R3/PT1S/PT1S"));
}

class EngineTimerCyclesTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      std::lock_guard lock(mutex_);
      if (event.kind == EngineEventKind::cronjob_executed) executed_.push_back(event.process_instance_id);
    });
  }
  void TearDown() override {
    engine_->remove_listener(listener_);
    EngineFixture::TearDown();
  }
  std::size_t executed() {
    std::lock_guard lock(mutex_);
    return executed_.size();
  }
  std::vector<WaitingTask> user_tasks(const std::string& correlation_id) {
    TaskQuery query;
    query.correlation_id = correlation_id;
    auto listed = tasks(query);
    return listed ? listed->items : std::vector<WaitingTask>{};
  }

  std::mutex mutex_;
  std::vector<std::string> executed_;
  std::uint64_t listener_ = 0;
};

std::string start_cycle_model(const std::string& cycle) {
  return process_xml("cycled", "<bpmn:startEvent id='tick'><bpmn:timerEventDefinition><bpmn:timeCycle>" + cycle +
                                   "</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>"
                                   "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='tick' targetRef='e'/>");
}

TEST_F(EngineTimerCyclesTest, RepeatingCycleStartEventStartsAnInstanceOnEachOfItsFirings) {
  auto deployed = deploy(start_cycle_model("R2/PT0.2S"));
  ASSERT_TRUE(deployed) << deployed.error().message << " " << deployed.error().additional_information;
  const auto active = testing::call_sync<PagedList<CronjobInfo>>(
      [&](auto done) { engine_->active_cronjobs(test_identity(), PageRequest{}, done); });
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active.value().items.size(), 1u);
  EXPECT_EQ(active.value().items[0].crontab, "R2/PT0.2S");
  ASSERT_TRUE(eventually([&] { return executed() == 2; }));
  std::string first;
  {
    std::lock_guard lock(mutex_);
    first = executed_[0];
  }
  ASSERT_TRUE(eventually([&] {
    auto started = instance(first);
    return started && started->state == ProcessInstanceState::finished;
  }));
  EXPECT_EQ(instance(first)->process_model_id, "cycled");
  // Two repetitions only: five more intervals bring no third instance.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(executed(), 2u);
}

// A user task 't' with a non-interrupting boundary timer 'b' (end 'eb') of the given cycle.
std::string boundary_cycle_model(const std::string& cycle, bool interrupting) {
  return process_xml("watched",
                     "<bpmn:startEvent id='s'/><bpmn:userTask id='t'/><bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>"
                     "<bpmn:boundaryEvent id='b' attachedToRef='t' cancelActivity='" +
                         std::string(interrupting ? "true" : "false") +
                         "'><bpmn:timerEventDefinition><bpmn:timeCycle>" + cycle +
                         "</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
                         "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
                         "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='et'/>"
                         "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/>");
}

TEST_F(EngineTimerCyclesTest, NonInterruptingCycleBoundaryFiresNTimesWhileTheTaskWaits) {
  ASSERT_TRUE(deploy(boundary_cycle_model("R3/PT0.2S", false)));
  StartRequest request;
  request.process_model_id = "watched";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  const auto correlation = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return results(correlation, "watched")->size() == 3; }));
  for (const auto& reached : results(correlation, "watched").value()) EXPECT_EQ(reached.end_event_id, "eb");
  // Used up: nothing waits for a fourth firing, and the task still waits.
  auto timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers.value());
  auto waiting = user_tasks(correlation);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, correlation,
                      waiting[0].flow_node_instance_id, "{}"}));
  auto all = results(correlation, "watched").value();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3].end_event_id, "et");
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EngineTimerCyclesTest, FinishingTheTaskDisarmsAnUnboundedCycle) {
  ASSERT_TRUE(deploy(boundary_cycle_model("R/PT0.2S", false)));
  StartRequest request;
  request.process_model_id = "watched";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  const auto correlation = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return results(correlation, "watched")->size() >= 2; }));
  auto waiting = user_tasks(correlation);
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, correlation,
                      waiting[0].flow_node_instance_id, "{}"}));
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::finished);
  auto timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers.value());
}

TEST_F(EngineTimerCyclesTest, CyclesOnInterruptingBoundariesAndCronOnBoundariesAreRefused) {
  auto interrupting = deploy(boundary_cycle_model("R3/PT1S", true));
  ASSERT_FALSE(interrupting);
  EXPECT_EQ(interrupting.error().http_status(), 422);
  auto cron = deploy(boundary_cycle_model("* * * * * *", false));
  ASSERT_FALSE(cron);
  EXPECT_NE(cron.error().additional_information.find("R[n]/<duration>"), std::string::npos)
      << cron.error().additional_information;
  EXPECT_FALSE(deploy(boundary_cycle_model("R0/PT1S", false)));
}

}  // namespace
}  // namespace processhost::engine
