// The client library's notification subscriptions against the real host binary with the
// consumer_api plugin (memory store, no IAM): the events of a sample instance arrive with
// their ids, and await_user_task ends on the event of a task that began waiting after the
// list was read, and a subscription whose connection is cut gets what it missed when it
// reopens. Reconnecting across a host restart: clients_demo_test.cpp (pg_store).
#include "processhost/client/notifications.hpp"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "client_run.hpp"
#include "cutting_proxy.hpp"
#include "notification_recorder.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/task_waiter.hpp"
#include "processhost/testing/host_process.hpp"

namespace processhost::testing {
namespace {

using namespace std::chrono_literals;
namespace pc = processhost::client;

pc::ProcessStartRequest start_request(std::string correlation_id) {
  pc::ProcessStartRequest request;
  request.correlation_id = std::move(correlation_id);
  request.input_values = "{}";
  return request;
}

class NotifyingHost : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" +
                               (source_dir() / "config/demo/processes").string() + R"(",")" +
                               (source_dir() / "tests/e2e/clients/models").string() +
                               R"("],"plugins":[{"name":"consumer_api"}]})";
    host_ = std::make_unique<HostProcess>(dir_.write("host.json", config));
    host_->start();
    url_ = pc::BaseUrl::parse("http://127.0.0.1:" + std::to_string(host_->port())).value();
    transport_ = std::make_unique<pc::BeastHttpTransport>(url_);
    api_ = std::make_unique<pc::ConsumerApiClient>(*transport_);
  }
  void TearDown() override { EXPECT_EQ(host_->stop(), 0) << host_->output(); }

  TempDir dir_;
  std::unique_ptr<HostProcess> host_;
  pc::BaseUrl url_;
  std::unique_ptr<pc::BeastHttpTransport> transport_;
  std::unique_ptr<pc::ConsumerApiClient> api_;
};

TEST_F(NotifyingHost, TheEventsOfASampleInstanceArriveWithTheirIds) {
  NotificationRecorder recorder;
  pc::SseNotificationSource source(url_);
  auto subscription = source.subscribe({}, {.correlation_id = "notify-1"}, recorder.handlers());
  ASSERT_TRUE(subscription) << subscription.error().describe();

  auto started = api_->start_process_instance({}, "sample_process", start_request("notify-1"));
  ASSERT_TRUE(started) << started.error().describe();
  const std::string instance = started->process_instance_id.value_or("");
  ASSERT_FALSE(instance.empty());

  const auto waiting = recorder.wait_for("user_task_waiting", 10s);
  ASSERT_TRUE(waiting) << recorder.names();
  auto tasks = api_->user_tasks_for_process_instance({}, instance);
  ASSERT_TRUE(tasks) << tasks.error().describe();
  ASSERT_EQ(tasks->user_tasks.size(), 1u);
  const auto& task = tasks->user_tasks[0];
  EXPECT_EQ(waiting->process_instance_id, instance);
  EXPECT_EQ(waiting->correlation_id, "notify-1");
  EXPECT_EQ(waiting->process_model_id, "sample_process");
  EXPECT_EQ(waiting->flow_node_id, "UserTask_1");
  EXPECT_EQ(waiting->flow_node_instance_id, task.flow_node_instance_id);

  ASSERT_TRUE(
      api_->finish_user_task({}, instance, "notify-1", task.flow_node_instance_id, {R"({"TaskWasSuccessful":true})"}));
  const auto ended = recorder.wait_for("process_ended", 10s);
  ASSERT_TRUE(ended) << recorder.names();
  EXPECT_EQ(ended->process_instance_id, instance);
  EXPECT_EQ(ended->correlation_id, "notify-1");
  EXPECT_EQ(ended->flow_node_id, "EndEvent_Success");
  EXPECT_EQ(ended->current_token, R"({"form_fields":{"TaskWasSuccessful":true}})");
  EXPECT_TRUE(ended->ends_instance());
  const auto finished = recorder.find("user_task_finished");
  ASSERT_TRUE(finished) << recorder.names();
  EXPECT_EQ(finished->flow_node_instance_id, task.flow_node_instance_id);

  (*subscription)->cancel();
  const auto all = recorder.all();
  // In the engine's order, with the ids the host counts up; nothing of other correlations.
  EXPECT_EQ(recorder.order_of({"process_started", "user_task_waiting", "user_task_finished", "process_ended"}), "")
      << recorder.names();
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].correlation_id, "notify-1") << all[i].event_name;
    if (i > 0) {
      EXPECT_LT(std::stoull(all[i - 1].event_id), std::stoull(all[i].event_id));
    }
  }
  EXPECT_EQ((*subscription)->last_event_id(), all.back().event_id);
}

// The stream's connection is cut (a TCP forwarder between the subscription and the host)
// while the instance goes on; when it passes again, the subscription reopens with its
// Last-Event-ID and the host replays what happened in between: nothing is lost, nothing
// comes twice.
TEST_F(NotifyingHost, ACutStreamReopensAndGetsWhatHappenedMeanwhile) {
  CuttingProxy proxy(host_->port());
  NotificationRecorder recorder;
  pc::SubscribeOptions options;
  options.first_retry_delay = 20ms;
  options.max_retry_delay = 100ms;
  pc::SseNotificationSource source(pc::BaseUrl::parse("http://127.0.0.1:" + std::to_string(proxy.port())).value(),
                                   options);
  auto subscription = source.subscribe({}, {.correlation_id = "cut-1"}, recorder.handlers());
  ASSERT_TRUE(subscription) << subscription.error().describe();

  auto started = api_->start_process_instance({}, "sample_process", start_request("cut-1"));
  ASSERT_TRUE(started) << started.error().describe();
  const std::string instance = started->process_instance_id.value_or("");
  const auto waiting = recorder.wait_for("user_task_waiting", 10s);
  ASSERT_TRUE(waiting) << recorder.names();

  proxy.cut();
  ASSERT_TRUE(recorder.wait_count(recorder.disconnects(), 1, 10s));
  const std::string last_before_cut = (*subscription)->last_event_id();
  const std::size_t before = recorder.size();
  ASSERT_TRUE(api_->finish_user_task({}, instance, "cut-1", waiting->flow_node_instance_id.value_or(""),
                                     {R"({"TaskWasSuccessful":true})"}));
  auto results = pc::wait_for_correlation_results(*api_, {}, "cut-1", "sample_process", {10s});
  ASSERT_TRUE(results) << results.error().describe();
  EXPECT_EQ(recorder.size(), before);  // the instance ended while the stream was away
  EXPECT_EQ(recorder.reconnects(), 0);

  proxy.pass_again();
  ASSERT_TRUE(recorder.wait_count(recorder.reconnects(), 1, 10s));
  const auto ended = recorder.wait_for("process_ended", 10s, before);
  ASSERT_TRUE(ended) << recorder.names();
  EXPECT_EQ(ended->process_instance_id, instance);
  const auto finished = recorder.find("user_task_finished");
  ASSERT_TRUE(finished) << recorder.names();
  EXPECT_EQ(finished->flow_node_instance_id, waiting->flow_node_instance_id);
  EXPECT_EQ(recorder.events_lost(), 0);
  EXPECT_GE(proxy.forwarded(), 2u);
  (*subscription)->cancel();
  // Every event once, in the host's order: the replay began right after last_before_cut.
  const auto all = recorder.all();
  EXPECT_EQ(std::stoull(all[before].event_id), std::stoull(last_before_cut) + 1) << recorder.names();
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(std::stoull(all[i - 1].event_id), std::stoull(all[i].event_id)) << recorder.names();
  }
  EXPECT_EQ(recorder.order_of({"process_started", "user_task_waiting", "user_task_finished", "process_ended"}), "")
      << recorder.names();
}

// Reads the task list through the real transport and, right after the first read, sends
// the message that lets the task begin: the task cannot be in that first list, so only
// its event can end the wait.
class GoAfterFirstList : public pc::HttpTransport {
 public:
  GoAfterFirstList(pc::HttpTransport& inner, pc::ConsumerApiClient& api) : inner_(inner), api_(api) {}
  pc::ClientResult<pc::HttpReply> send(const pc::HttpCall& call) override {
    auto reply = inner_.send(call);
    if (call.target.find("/user_tasks") != std::string::npos && ++lists == 1) {
      first_list = reply ? reply->body : reply.error().describe();
      triggered = static_cast<bool>(api_.trigger_message({}, "delayed_user_task_go"));
    }
    return reply;
  }
  const pc::BaseUrl& base_url() const override { return inner_.base_url(); }

  int lists = 0;
  std::string first_list;
  bool triggered = false;

 private:
  pc::HttpTransport& inner_;
  pc::ConsumerApiClient& api_;
};

TEST_F(NotifyingHost, AwaitUserTaskEndsOnTheEventOfATaskThatBeganLater) {
  auto started = api_->start_process_instance({}, "delayed_user_task", start_request("later-1"));
  ASSERT_TRUE(started) << started.error().describe();
  pc::BeastHttpTransport trigger_transport(url_);
  pc::ConsumerApiClient trigger_api(trigger_transport);
  GoAfterFirstList transport(*transport_, trigger_api);
  pc::ConsumerApiClient api(transport);
  pc::SseNotificationSource source(url_);

  auto awaited = pc::await_user_task(api, &source, {}, "delayed_user_task", "later-1", "Approve", {10s});
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, pc::WaitMode::notification);
  EXPECT_TRUE(awaited->by_event);
  EXPECT_EQ(awaited->task.id, "Approve");
  EXPECT_EQ(awaited->task.process_instance_id, started->process_instance_id.value_or("?"));
  EXPECT_TRUE(transport.triggered);
  EXPECT_EQ(transport.first_list, R"({"userTasks":[],"totalCount":0})");
  EXPECT_EQ(transport.lists, 2);  // the empty first read, and the read after the event
}

// The stream cannot be reached (its connections are cut at once) while the API can: the
// wait falls back to polling the real host and says why.
TEST_F(NotifyingHost, AwaitUserTaskPollsWhenTheStreamCannotBeReached) {
  CuttingProxy proxy(host_->port());
  proxy.cut();
  pc::SseNotificationSource source(pc::BaseUrl::parse("http://127.0.0.1:" + std::to_string(proxy.port())).value());
  auto started = api_->start_process_instance({}, "sample_process", start_request("unreachable-1"));
  ASSERT_TRUE(started) << started.error().describe();
  auto awaited = pc::await_user_task(*api_, &source, {}, "sample_process", "unreachable-1", "UserTask_1", {10s});
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, pc::WaitMode::polling);
  EXPECT_EQ(awaited->fallback_reason.rfind("the notification stream failed: transport error: notification stream of "
                                           "http://127.0.0.1:" +
                                               std::to_string(proxy.port()),
                                           0),
            0u)
      << awaited->fallback_reason;
  EXPECT_EQ(awaited->task.process_instance_id, started->process_instance_id.value_or("?"));
  EXPECT_EQ(proxy.forwarded(), 0u);
}

TEST_F(NotifyingHost, AwaitUserTaskPollsWithoutASource) {
  auto started = api_->start_process_instance({}, "sample_process", start_request("poll-1"));
  ASSERT_TRUE(started) << started.error().describe();
  auto awaited = pc::await_user_task(*api_, nullptr, {}, "sample_process", "poll-1", "UserTask_1", {10s});
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, pc::WaitMode::polling);
  EXPECT_EQ(awaited->task.process_instance_id, started->process_instance_id.value_or("?"));
}

}  // namespace
}  // namespace processhost::testing
