// Waiting for a user task by notification, and the fallback decision, with a scripted
// notification source and transport; the SSE subscription (reconnect with Last-Event-ID)
// against the in-test HTTP server. The same against the real host: tests/e2e/clients.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "processhost/client/host_discovery.hpp"
#include "processhost/client/task_waiter.hpp"
#include "test_http_server.hpp"

namespace processhost::client {
namespace {

using testing::FakeTransport;

constexpr const char* kNoTasks = R"({"userTasks":[],"totalCount":0})";
constexpr const char* kTask = R"({"userTasks":[{"flowNodeType":"bpmn:UserTask","id":"UserTask_1",
  "flowNodeInstanceId":"fni-9","name":"Task","correlationId":"c","processModelId":"m","processInstanceId":"pi-7",
  "data":{"formFields":[]},"tokenPayload":{}}],"totalCount":1})";
const WaitOptions kWait{std::chrono::milliseconds(2000), std::chrono::milliseconds(1), std::chrono::milliseconds(2)};

Notification notification(std::string event, std::string flow_node_id) {
  Notification result;
  result.event_name = std::move(event);
  result.flow_node_id = std::move(flow_node_id);
  return result;
}

class FakeSubscription : public Subscription {
 public:
  explicit FakeSubscription(std::atomic<int>& cancelled) : cancelled_(cancelled) {}
  ~FakeSubscription() override { cancel(); }
  void cancel() override {
    if (!done_) ++cancelled_;
    done_ = true;
  }
  std::string last_event_id() const override { return {}; }

 private:
  std::atomic<int>& cancelled_;
  bool done_ = false;
};

// Records the subscription and what the transport had been asked by then; fails with
// `refusal` when set.
class FakeSource : public NotificationSource {
 public:
  explicit FakeSource(const FakeTransport& transport) : transport_(transport) {}
  ClientResult<std::unique_ptr<Subscription>> subscribe(const Identity&, const NotificationFilter& filter,
                                                        SubscriptionHandlers handlers) override {
    calls_before_subscribe = transport_.calls.size();
    this->filter = filter;
    this->handlers = std::move(handlers);
    if (refusal) return *refusal;
    return std::unique_ptr<Subscription>(std::make_unique<FakeSubscription>(cancelled));
  }

  std::optional<ClientError> refusal;
  std::size_t calls_before_subscribe = 99;
  NotificationFilter filter;
  SubscriptionHandlers handlers;
  std::atomic<int> cancelled{0};

 private:
  const FakeTransport& transport_;
};

// A transport that runs `on_list(n)` when the n-th task list (0-based) is asked for:
// events "arrive" between the reads.
class ListingTransport : public FakeTransport {
 public:
  ClientResult<HttpReply> send(const HttpCall& call) override {
    auto reply = FakeTransport::send(call);
    if (on_list) on_list(lists_++);
    return reply;
  }
  std::function<void(int)> on_list;

 private:
  int lists_ = 0;
};

TEST(AwaitUserTask, WithoutASourceItPolls) {
  FakeTransport transport;
  transport.reply(200, kNoTasks);
  transport.reply(200, kTask);
  ConsumerApiClient client(transport);
  auto awaited = await_user_task(client, nullptr, {}, "m", "c", "UserTask_1", kWait);
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, WaitMode::polling);
  EXPECT_EQ(awaited->fallback_reason, "no notification source");
  EXPECT_EQ(awaited->task.flow_node_instance_id, "fni-9");
  EXPECT_EQ(transport.calls.size(), 2u);
}

TEST(AwaitUserTask, ARefusedStreamFallsBackToPolling) {
  FakeTransport transport;
  transport.reply(200, kNoTasks);
  transport.reply(200, kTask);
  FakeSource source(transport);
  source.refusal = make_client_error(ErrorKind::http, "no route", 404);
  ConsumerApiClient client(transport);
  auto awaited = await_user_task(client, &source, {}, "m", "c", "UserTask_1", kWait);
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, WaitMode::polling);
  EXPECT_EQ(awaited->fallback_reason, "the notification stream failed: HTTP error 404: no route");
  EXPECT_EQ(transport.calls.size(), 2u);
}

TEST(AwaitUserTask, SubscribesFirstThenReadsTheListThenWaitsForTheEvent) {
  ListingTransport transport;
  transport.reply(200, kNoTasks);
  transport.reply(200, kTask);
  FakeSource source(transport);
  transport.on_list = [&](int list) {
    if (list != 0) return;
    // Another task's event and another event of this one do not end the wait; its
    // user_task_waiting does.
    source.handlers.on_notification(notification("user_task_waiting", "UserTask_2"));
    source.handlers.on_notification(notification("user_task_finished", "UserTask_1"));
    source.handlers.on_notification(notification("user_task_waiting", "UserTask_1"));
  };
  ConsumerApiClient client(transport);
  auto awaited = await_user_task(client, &source, {}, "m", "c", "UserTask_1", kWait);
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, WaitMode::notification);
  EXPECT_TRUE(awaited->by_event);
  EXPECT_EQ(awaited->task.process_instance_id, "pi-7");
  EXPECT_EQ(source.calls_before_subscribe, 0u);
  EXPECT_EQ(source.filter.process_model_id, "m");
  EXPECT_EQ(source.filter.correlation_id, "c");
  EXPECT_EQ(source.filter.query(), "?process_model_id=m&correlation_id=c");
  ASSERT_EQ(transport.calls.size(), 2u);
  EXPECT_EQ(transport.calls[1].target, "/api/consumer/v1/process_models/m/correlations/c/user_tasks");
  EXPECT_EQ(source.cancelled, 1);
}

TEST(AwaitUserTask, ATaskWaitingBeforeTheSubscriptionIsFoundInTheList) {
  FakeTransport transport;
  transport.reply(200, kTask);
  FakeSource source(transport);
  ConsumerApiClient client(transport);
  auto awaited = await_user_task(client, &source, {}, "m", "c", "UserTask_1", kWait);
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, WaitMode::notification);
  EXPECT_FALSE(awaited->by_event);
  EXPECT_EQ(transport.calls.size(), 1u);
}

TEST(AwaitUserTask, LostEventsMakeItReadTheListAgain) {
  ListingTransport transport;
  transport.reply(200, kNoTasks);
  transport.reply(200, kTask);
  FakeSource source(transport);
  transport.on_list = [&](int list) {
    if (list == 0) source.handlers.on_events_lost();
  };
  ConsumerApiClient client(transport);
  auto awaited = await_user_task(client, &source, {}, "m", "c", "UserTask_1", kWait);
  ASSERT_TRUE(awaited) << awaited.error().describe();
  EXPECT_EQ(awaited->mode, WaitMode::notification);
  EXPECT_EQ(transport.calls.size(), 2u);
}

TEST(AwaitUserTask, GivesUpAtTheDeadlineWithoutPolling) {
  FakeTransport transport;
  transport.default_reply = FakeTransport::make(200, kNoTasks);
  FakeSource source(transport);
  ConsumerApiClient client(transport);
  auto awaited =
      await_user_task(client, &source, {}, "m", "c", "UserTask_1",
                      {std::chrono::milliseconds(50), std::chrono::milliseconds(1), std::chrono::milliseconds(1)});
  ASSERT_FALSE(awaited);
  EXPECT_EQ(awaited.error().kind, ErrorKind::timeout);
  EXPECT_EQ(awaited.error().message, "user task UserTask_1 waiting in correlation c did not happen within 50 ms");
  EXPECT_EQ(transport.calls.size(), 1u);  // one read of the list, then only the stream
}

TEST(NotificationDiscovery, TheConsumerApiPluginIsTheNotificationChannel) {
  FakeTransport transport;
  transport.reply(200, R"({"host":{"name":"processhost","version":"0.1.0"},"plugins":[
      {"name":"consumer_api","library":"/p/consumer_api.so"}]})");
  transport.reply(200, R"({"host":{"name":"processhost","version":"0.1.0"},"plugins":[
      {"name":"management_api","library":"/p/management_api.so"}]})");
  auto with = discover_host(transport);
  auto without = discover_host(transport);
  ASSERT_TRUE(with);
  ASSERT_TRUE(without);
  EXPECT_TRUE(with->notifications);
  EXPECT_FALSE(without->notifications);
  EXPECT_NE(notification_source_for(*with, transport.base_url()), nullptr);
  EXPECT_EQ(notification_source_for(*without, transport.base_url()), nullptr);
}

TEST(Notifications, AMessageIsReadIntoItsFields) {
  auto read = read_notification("7", "activity_finished",
                                R"({"correlationId":"c","processModelId":"m","processInstanceId":"pi",)"
                                R"("flowNodeId":"Script_1","flowNodeInstanceId":"f","flowNodeType":"bpmn:ScriptTask",)"
                                R"("currentToken":{"a": 1}})");
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(read->event_id, "7");
  EXPECT_EQ(read->event_name, "activity_finished");
  EXPECT_EQ(read->correlation_id, "c");
  EXPECT_EQ(read->process_model_id, "m");
  EXPECT_EQ(read->process_instance_id, "pi");
  EXPECT_EQ(read->flow_node_id, "Script_1");
  EXPECT_EQ(read->flow_node_instance_id, "f");
  EXPECT_EQ(read->flow_node_type, "bpmn:ScriptTask");
  EXPECT_EQ(read->current_token, R"({"a":1})");
  EXPECT_FALSE(read->ends_instance());
  EXPECT_TRUE(read_notification("8", "process_error", R"({"processInstanceId":"pi"})")->ends_instance());
  EXPECT_FALSE(read->flow_node_id == std::nullopt);
  EXPECT_EQ(read_notification("9", "x", "[1]").error().kind, ErrorKind::protocol);
  EXPECT_EQ(read_notification("9", "x", R"({"flowNodeId":3})").error().kind, ErrorKind::protocol);
}

// Each stream the in-test server answers holds one event and then ends: the subscription
// reopens it with the last id, and the server answers with the event after it.
TEST(SseSubscription, ReopensADroppedStreamWithTheLastEventId) {
  std::mutex mutex;
  std::vector<std::string> last_event_ids;
  std::string first_target;
  std::string first_authorization;
  testing::TestHttpServer server([&](const testing::TestRequest& request) {
    std::lock_guard lock(mutex);
    if (last_event_ids.empty()) {
      first_target = request.target;
      first_authorization = request.header("authorization");
    }
    last_event_ids.push_back(request.header("last-event-id"));
    const int next = last_event_ids.back() == "<absent>" ? 1 : std::stoi(last_event_ids.back()) + 1;
    testing::TestResponse response;
    response.body = "retry: 3000\n\nid: " + std::to_string(next) +
                    "\nevent: user_task_waiting\ndata: {\"flowNodeId\":\"T" + std::to_string(next) + "\"}\n\n";
    response.close_after = true;
    return response;
  });
  std::condition_variable changed;
  std::vector<std::string> seen;
  int disconnects = 0;
  int reconnects = 0;
  SubscriptionHandlers handlers;
  handlers.on_notification = [&](const Notification& n) {
    std::lock_guard lock(mutex);
    seen.push_back(n.event_id + ":" + n.flow_node_id.value_or(""));
    changed.notify_all();
  };
  handlers.on_disconnected = [&](const ClientError&) { ++disconnects; };
  handlers.on_reconnected = [&] { ++reconnects; };
  SubscribeOptions options;
  options.first_retry_delay = std::chrono::milliseconds(1);
  SseNotificationSource source(BaseUrl::parse(server.url()).value(), options);
  auto subscription = source.subscribe({"tok", "u"}, {.correlation_id = "c 1"}, handlers);
  ASSERT_TRUE(subscription) << subscription.error().describe();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(5), [&] { return seen.size() >= 3; }));
  }
  (*subscription)->cancel();
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen[0], "1:T1");
  EXPECT_EQ(seen[1], "2:T2");
  EXPECT_EQ(seen[2], "3:T3");
  EXPECT_EQ(first_target, "/api/consumer/v1/notifications?correlation_id=c%201");
  EXPECT_EQ(first_authorization, "Bearer tok");
  EXPECT_EQ(last_event_ids[0], "<absent>");
  EXPECT_EQ(last_event_ids[1], "1");
  EXPECT_EQ(last_event_ids[2], "2");
  EXPECT_GE(disconnects, 2);
  EXPECT_GE(reconnects, 2);
}

TEST(SseSubscription, ARefusedStreamIsAnErrorWithItsStatus) {
  testing::TestHttpServer server([](const testing::TestRequest& request) {
    testing::TestResponse response;
    response.status = request.target == "/api/consumer/v1/notifications?process_instance_id=pi" ? 404 : 500;
    response.body = R"({"message":"no such route"})";
    return response;
  });
  SseNotificationSource source(BaseUrl::parse(server.url()).value());
  auto subscription = source.subscribe({}, {.process_instance_id = "pi"}, {});
  ASSERT_FALSE(subscription);
  EXPECT_EQ(subscription.error().kind, ErrorKind::http);
  EXPECT_EQ(subscription.error().status, 404);
  EXPECT_EQ(subscription.error().message, "the notification stream of " + server.url() + " was refused: no such route");
}

TEST(SseSubscription, AnUnreachableHostIsATransportError) {
  std::string url;
  {
    testing::TestHttpServer server([](const testing::TestRequest&) { return testing::TestResponse{}; });
    url = server.url();
  }
  SseNotificationSource source(BaseUrl::parse(url).value());
  auto subscription = source.subscribe({}, {}, {});
  ASSERT_FALSE(subscription);
  EXPECT_EQ(subscription.error().kind, ErrorKind::transport);
}

}  // namespace
}  // namespace processhost::client
