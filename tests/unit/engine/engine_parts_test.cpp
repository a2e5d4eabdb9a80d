// The engine's parts on their own: model registry, event bus, start waiters, timer
// scheduler, external-task pollers.

// GCC 12 reports the Error alternative of Result<std::vector<ExternalTask>> as maybe
// uninitialized when moved into a callback (the std::variant false positive that
// engine_external_tasks.cpp names too).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>
#include <thread>

#include <gtest/gtest.h>

#include "model/model_registry.hpp"
#include "runtime/event_bus.hpp"
#include "runtime/external_task_pollers.hpp"
#include "runtime/start_waiters.hpp"
#include "runtime/timer_scheduler.hpp"
#include "runtime/transition_runner.hpp"

namespace processhost::engine::testing {
namespace {

std::shared_ptr<const ProcessModel> model(std::string id, std::string hash) {
  auto model = std::make_shared<ProcessModel>();
  model->id = std::move(id);
  model->hash = std::move(hash);
  return model;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ModelRegistry, KeepsEveryVersionAndTheLatest) {
  ModelRegistry registry;
  registry.add(model("p", "h1"));
  EXPECT_TRUE(registry.has_single_version("p"));
  std::string seen;
  registry.add(model("p", "h2"), [&](const std::shared_ptr<const ProcessModel>& added, std::int64_t) { seen = added->hash; });
  EXPECT_EQ(seen, "h2");
  EXPECT_EQ(registry.latest("p")->hash, "h2");
  EXPECT_EQ(registry.version("p", "h1")->hash, "h1");
  EXPECT_FALSE(registry.has_single_version("p"));
  EXPECT_EQ(registry.latest("q"), nullptr);
  EXPECT_EQ(registry.version("p", "h3"), nullptr);
  EXPECT_EQ(registry.latest_models().size(), 1u);
}

// Deployments read from a store shared with other hosts: the latest is the one deployed last
// by the store's times, not the one read last.
TEST(ModelRegistry, AStoredDeploymentBecomesTheLatestOnlyWhenDeployedLater) {
  ModelRegistry registry;
  registry.add(model("p", "h1"), {}, 100);
  int scheduled = 0;
  auto count = [&](const std::shared_ptr<const ProcessModel>&, std::int64_t) { ++scheduled; };
  EXPECT_FALSE(registry.is_later("p", 100));
  EXPECT_FALSE(registry.add_stored(model("p", "h0"), 50, count));
  EXPECT_EQ(registry.latest("p")->hash, "h1");
  EXPECT_EQ(registry.version("p", "h0")->hash, "h0") << "an earlier deployment is still a version";
  EXPECT_TRUE(registry.is_later("p", 200));
  EXPECT_TRUE(registry.add_stored(model("p", "h2"), 200, count));
  EXPECT_EQ(registry.latest("p")->hash, "h2");
  EXPECT_EQ(scheduled, 1);
  EXPECT_TRUE(registry.is_later("q", 1)) << "an unknown model";
  registry.withdraw("p");
  EXPECT_TRUE(registry.add_stored(model("p", "h3"), 150, count)) << "a deleted model deployed again";
  EXPECT_EQ(registry.latest("p")->hash, "h3");
}

TEST(EventBus, PublishesToListenersUntilRemoved) {
  EventBus bus;
  EXPECT_FALSE(bus.has_listeners());
  std::vector<EngineEventKind> kinds;
  const auto id = bus.add([&](const EngineEvent& event) { kinds.push_back(event.kind); });
  EXPECT_TRUE(bus.has_listeners());
  EngineEvent started;
  started.kind = EngineEventKind::process_started;
  EngineEvent finished;
  finished.kind = EngineEventKind::process_finished;
  bus.publish(std::vector<EngineEvent>{started, finished});
  bus.remove(id);
  EXPECT_FALSE(bus.has_listeners());
  bus.publish(started);
  EXPECT_EQ(kinds, (std::vector<EngineEventKind>{EngineEventKind::process_started, EngineEventKind::process_finished}));
}

std::shared_ptr<StartWaiter> waiter(StartCallbackType type, std::string end_event, Result<StartResult>& into) {
  auto waiter = std::make_shared<StartWaiter>();
  waiter->type = type;
  waiter->end_event_id = std::move(end_event);
  waiter->process_instance_id = "i";
  waiter->done = [&into](Result<StartResult> result) { into = std::move(result); };
  return waiter;
}

TEST(StartWaiters, CompleteWhenTheirEndIsReachedOrTheEngineStops) {
  StartWaiters waiters;
  Result<StartResult> on_end = make_error(ErrorStatus::request_timeout, "pending");
  Result<StartResult> on_other = make_error(ErrorStatus::request_timeout, "pending");
  waiters.add(waiter(StartCallbackType::on_end_event_reached, "e1", on_end));
  waiters.add(waiter(StartCallbackType::on_end_event_reached, "e2", on_other));
  RunOutcome outcome;
  outcome.changes.instance.state = ProcessInstanceState::running;
  outcome.ends.push_back({"e1", R"({"r":1})"});
  waiters.notify("i", outcome);
  ASSERT_TRUE(on_end);
  EXPECT_EQ(on_end.value().end_event_id, "e1");
  EXPECT_EQ(on_end.value().token_payload, R"({"r":1})");
  EXPECT_FALSE(on_other);  // still waiting for e2
  waiters.fail_all(make_error(ErrorStatus::unavailable, "stopping"));
  ASSERT_FALSE(on_other);
  EXPECT_EQ(on_other.error().status, ErrorStatus::unavailable);
}

TEST(StartWaiters, AnInstanceThatFailsFailsItsWaiters) {
  StartWaiters waiters;
  Result<StartResult> result = make_error(ErrorStatus::request_timeout, "pending");
  waiters.add(waiter(StartCallbackType::on_process_finished, "", result));
  RunOutcome outcome;
  outcome.changes.instance.state = ProcessInstanceState::error;
  outcome.failure = make_error(ErrorStatus::bad_request, "boom");
  waiters.notify("i", outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "boom");
}

TEST(TimerScheduler, RunsScheduledWorkAndScansWhenTheStoreIsDue) {
  std::atomic<int> scans{0};
  std::promise<void> ran;
  TimerScheduler* self = nullptr;
  TimerScheduler timers([](std::function<void()> work) { work(); }, wall_ms,
                        [&] {
                          ++scans;
                          self->scan_done(std::nullopt);
                        });
  self = &timers;
  timers.start();  // scans at once for what fell due while down
  timers.schedule(wall_ms() + 20, [&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  timers.note_store_due(wall_ms());
  for (int i = 0; i < 500 && scans.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(scans.load(), 2);
  timers.stop();
}

// With a poll interval a scan follows the last one at most that long after it ended, with
// nothing due and nothing armed: timers armed by other hosts are found without a hint.
TEST(TimerScheduler, PollsTheStoreAtTheIntervalWhenNothingIsKnownToBeDue) {
  std::atomic<int> scans{0};
  TimerScheduler* self = nullptr;
  TimerScheduler timers([](std::function<void()> work) { work(); }, wall_ms,
                        [&] {
                          ++scans;
                          self->scan_done(std::nullopt);
                        },
                        20);
  self = &timers;
  timers.start();
  for (int i = 0; i < 500 && scans.load() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(scans.load(), 5);
  timers.stop();
}

// A due time the scan reports (or a hint gives) earlier than the next poll still wins.
TEST(TimerScheduler, AKnownDueTimeEarlierThanThePollIsScannedAtThatTime) {
  std::mutex mutex;
  std::vector<std::int64_t> scanned_at;
  TimerScheduler* self = nullptr;
  TimerScheduler timers([](std::function<void()> work) { work(); }, wall_ms,
                        [&] {
                          std::lock_guard lock(mutex);
                          scanned_at.push_back(wall_ms());
                          self->scan_done(std::nullopt);
                        },
                        60000);
  self = &timers;
  timers.start();  // the first scan, at once
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (!scanned_at.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto hinted = wall_ms() + 50;
  timers.note_store_due(hinted);
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (scanned_at.size() >= 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  timers.stop();
  std::lock_guard lock(mutex);
  ASSERT_EQ(scanned_at.size(), 2u);  // the minute-long poll did not add one
  EXPECT_GE(scanned_at[1], hinted);
}

TEST(TimerScheduler, WithoutAPollIntervalOnlyKnownDueTimesScan) {
  std::atomic<int> scans{0};
  TimerScheduler* self = nullptr;
  TimerScheduler timers([](std::function<void()> work) { work(); }, wall_ms, [&] {
    ++scans;
    self->scan_done(std::nullopt);
  });
  self = &timers;
  timers.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(scans.load(), 1);  // the start-up scan only
  timers.stop();
}

TEST(TimerScheduler, FiresAStoreTimerOnceAtATimeAndKeepsTheCurrentCron) {
  TimerScheduler timers([](std::function<void()>) {}, wall_ms, [] {});
  EXPECT_TRUE(timers.begin_fire("t"));
  EXPECT_FALSE(timers.begin_fire("t"));
  timers.end_fire("t");
  EXPECT_TRUE(timers.begin_fire("t"));
  const auto first = timers.next_cron_generation("p");
  const auto second = timers.next_cron_generation("p");
  EXPECT_FALSE(timers.is_current_cron("p", first));
  EXPECT_TRUE(timers.is_current_cron("p", second));
}

TEST(TransitionRunner, RefusesRunsBeforeTheEngineStartsAndAfterItStops) {
  ModelRegistry models;
  TransitionRunner runner({}, models, [](std::function<void()> work) { work(); },
                          [](const ProcessInstanceRecord&, const RunOutcome&, std::optional<std::int64_t>) {});
  bool built = false;
  std::optional<ErrorStatus> refused;
  auto transition = [&](InstanceState&) -> Result<RunOutcome> {
    built = true;
    return RunOutcome{};
  };
  runner.run("i", nullptr, transition, [&](Result<RunOutcome> outcome) { refused = outcome.error().status; });
  EXPECT_EQ(refused, ErrorStatus::unavailable);
  runner.refuse_new();
  refused.reset();
  runner.run("i", nullptr, transition, [&](Result<RunOutcome> outcome) { refused = outcome.error().status; });
  EXPECT_EQ(refused, ErrorStatus::unavailable);
  EXPECT_FALSE(built);
}

TEST(ExternalTaskPollers, WakePollsThePollersOfTheTopicUntilTheyComplete) {
  std::vector<std::shared_ptr<ExternalTaskPoller>> polled;
  ExternalTaskPollers pollers([&](std::shared_ptr<ExternalTaskPoller> poller) { polled.push_back(poller); });
  auto poller = std::make_shared<ExternalTaskPoller>();
  poller->self = poller;
  poller->pollers = &pollers;
  poller->request.topic = "t";
  std::size_t answered = 99;
  poller->done = [&](Result<std::vector<ExternalTask>> tasks) { answered = tasks.value().size(); };
  pollers.add(poller);
  pollers.wake("other");
  EXPECT_TRUE(polled.empty());
  pollers.wake("t");
  ASSERT_EQ(polled.size(), 1u);
  poller->complete(std::vector<ExternalTask>{});
  EXPECT_EQ(answered, 0u);
  pollers.wake("t");  // a completed poller no longer waits
  EXPECT_EQ(polled.size(), 1u);
}

}  // namespace
}  // namespace processhost::engine::testing
