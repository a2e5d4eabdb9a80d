// The socket.io endpoint of the real host: polling, WebSocket upgrade, ping, the
// /consumer_api namespace's authentication, events and per-user events, and the limits.

#include <gtest/gtest.h>

#include <thread>

#include "notification_host.hpp"
#include "socket_io_test_client.hpp"

namespace processhost::notifications_integration {
namespace {

using namespace std::chrono_literals;

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

class OpenHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = std::make_unique<NotificationHost>(false); }
  static void TearDownTestSuite() { host_.reset(); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static inline std::unique_ptr<NotificationHost> host_;
};

TEST_F(OpenHost, PollingHandshakeOffersWebSocketAndJoinsTheDefaultNamespace) {
  PollingSession session(host_->port());
  const auto& packets = session.handshake_packets();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(starts_with(packets[0], "0{\"sid\":\"" + session.sid() + "\",\"upgrades\":[\"websocket\"],"))
      << packets[0];
  EXPECT_NE(packets[0].find("\"pingInterval\":25000"), std::string::npos);
  EXPECT_EQ(session.sid().size(), 20u);
  EXPECT_EQ(packets[1], "40");

  EXPECT_EQ(session.send({"40/consumer_api,"}), 200);
  EXPECT_EQ(session.last_body(), "ok");
  EXPECT_TRUE(session.wait_for([](const std::string& p) { return p == "40/consumer_api,"; }));
}

TEST_F(OpenHost, PingIsAnsweredWithPong) {
  PollingSession session(host_->port());
  ASSERT_EQ(session.send({"2"}), 200);
  EXPECT_EQ(session.poll(), (std::vector<std::string>{"3"}));
}

TEST_F(OpenHost, UnknownSessionAndProtocolVersionAre400) {
  auto reply = processhost::testing::http_request(host_->port(), "GET", "/socket.io/?EIO=3&transport=polling&sid=nope");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"code":1,"message":"Session ID unknown"})");
  reply = processhost::testing::http_request(host_->port(), "GET", "/socket.io/?EIO=4&transport=polling");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"code":5,"message":"Unsupported protocol version"})");
}

TEST_F(OpenHost, UnknownNamespaceIsRefused) {
  PollingSession session(host_->port());
  session.send({"40/nothing_here,"});
  EXPECT_TRUE(session.wait_for([](const std::string& p) { return p == R"(44/nothing_here,"Invalid namespace")"; }));
}

TEST_F(OpenHost, ProcessEventsArriveByPolling) {
  PollingSession session(host_->port());
  session.send({"40/consumer_api,"});
  ASSERT_TRUE(session.wait_for([](const std::string& p) { return p == "40/consumer_api,"; }));

  const auto instance = host_->start_sample("", "polling-correlation");
  const auto started = session.wait_for(event_named("process_started", instance));
  ASSERT_TRUE(started);
  EXPECT_EQ(event_field(*started, "correlationId"), "polling-correlation");
  EXPECT_EQ(event_field(*started, "processModelId"), "sample_process");
  EXPECT_TRUE(session.wait_for(event_named("/process_instance_started/sample_process", instance)));

  const auto waiting = session.wait_for(event_named("user_task_waiting", instance));
  ASSERT_TRUE(waiting);
  EXPECT_EQ(event_field(*waiting, "flowNodeId"), "UserTask_1");
  EXPECT_EQ(event_field(*waiting, "processInstanceId"), instance);
  EXPECT_EQ(event_field(*waiting, "processInstanceOwner"), "<missing>");
  // The anonymous owner gets its own copy.
  EXPECT_TRUE(session.wait_for(event_named("user_task_waiting/anonymous/user_id", instance)));

  host_->finish_user_task("", instance, "polling-correlation", event_field(*waiting, "flowNodeInstanceId"));
  const auto ended = session.wait_for(event_named("process_ended", instance));
  ASSERT_TRUE(ended);
  EXPECT_EQ(event_field(*ended, "flowNodeId"), "EndEvent_Success");
  EXPECT_EQ(event_field(*ended, "currentToken"), R"({"form_fields":{"TaskWasSuccessful":true}})");
}

TEST_F(OpenHost, WebSocketUpgradeCarriesTheEvents) {
  PollingSession session(host_->port());
  session.send({"40/consumer_api,"});
  ASSERT_TRUE(session.wait_for([](const std::string& p) { return p == "40/consumer_api,"; }));

  WebSocketClient ws(host_->port(), session.sid());
  ws.send("2probe");
  EXPECT_EQ(ws.read(), "3probe");
  // While upgrading, a poll ends at once with a noop so that the client can pause polling.
  EXPECT_EQ(session.poll(), (std::vector<std::string>{"6"}));
  ws.send("5");

  const auto instance = host_->start_sample("", "websocket-correlation");
  const auto waiting = ws.wait_for(event_named("user_task_waiting", instance));
  ASSERT_TRUE(waiting);
  EXPECT_EQ(event_field(*waiting, "correlationId"), "websocket-correlation");
  ws.send("2");
  EXPECT_TRUE(ws.wait_for([](const std::string& m) { return m == "3"; }));
}

TEST_F(OpenHost, WebSocketWithoutPollingFirst) {
  WebSocketClient ws(host_->port());
  const auto open = ws.read();
  ASSERT_TRUE(open);
  EXPECT_TRUE(starts_with(*open, "0{\"sid\":\"")) << *open;
  EXPECT_NE(open->find("\"upgrades\":[]"), std::string::npos);
  EXPECT_EQ(ws.read(), "40");
  ws.send("40/consumer_api,");
  EXPECT_EQ(ws.read(), "40/consumer_api,");
  const auto instance = host_->start_sample("", "websocket-only");
  EXPECT_TRUE(ws.wait_for(event_named("process_started", instance)));
}

TEST(SocketIoLimits, ASessionThatStopsPingingIsClosed) {
  NotificationHost host(false, R"({"pingIntervalMs":200,"pingTimeoutMs":200})");
  PollingSession session(host.port());
  std::this_thread::sleep_for(1600ms);
  session.poll();
  EXPECT_EQ(session.last_status(), 400);
  EXPECT_EQ(session.last_body(), R"({"code":1,"message":"Session ID unknown"})");
}

TEST(SocketIoLimits, AClientThatDoesNotFetchItsEventsIsDisconnected) {
  NotificationHost host(false, R"({"maxQueuedBytes":2048})");
  PollingSession slow(host.port());
  slow.send({"40/consumer_api,"});
  PollingSession fast(host.port());
  fast.send({"40/consumer_api,"});
  ASSERT_TRUE(fast.wait_for([](const std::string& p) { return p == "40/consumer_api,"; }));
  // Each start queues four events of ~250 bytes for both; only the fast client fetches them.
  for (int i = 0; i < 6; ++i) {
    const auto correlation = "flood-" + std::to_string(i);
    host.start_sample("", correlation);
    EXPECT_TRUE(fast.wait_for(event_named("user_task_waiting", correlation))) << correlation;
  }
  slow.poll();
  EXPECT_EQ(slow.last_status(), 400);
  EXPECT_EQ(slow.last_body(), R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(processhost::testing::http_request(host.port(), "GET", "/health").status, 200);
}

class IamHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = std::make_unique<NotificationHost>(true); }
  static void TearDownTestSuite() { host_.reset(); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static inline std::unique_ptr<NotificationHost> host_;
};

TEST_F(IamHost, JoiningWithoutAValidTokenIsRefused) {
  PollingSession anonymous(host_->port());
  anonymous.send({"40/consumer_api,"});
  EXPECT_TRUE(anonymous.wait_for(
      [](const std::string& p) { return p == R"(44/consumer_api,"Unauthorized: No auth token provided!")"; }));

  PollingSession forged(host_->port(), {{"Authorization", "a.b.c"}});
  forged.send({"40/consumer_api,"});
  EXPECT_TRUE(forged.wait_for([](const std::string& p) { return starts_with(p, R"(44/consumer_api,"Unauthorized)"); }));
}

TEST_F(IamHost, PerUserEventsReachOnlyTheOwnersSockets) {
  const auto sample_token = host_->login("sampleUser", "pass");
  const auto admin_token = host_->login("admin", "admin-pass");
  // The original client sends the raw token, without "Bearer".
  PollingSession sample(host_->port(), {{"Authorization", sample_token}});
  PollingSession admin(host_->port(), {{"Authorization", admin_token}});
  for (auto* session : {&sample, &admin}) {
    session->send({"40/consumer_api,"});
    ASSERT_TRUE(session->wait_for([](const std::string& p) { return p == "40/consumer_api,"; }));
  }

  const auto instance = host_->start_sample(sample_token, "per-user");
  const auto own = sample.wait_for(event_named("user_task_waiting/sampleUser/user_id", instance));
  ASSERT_TRUE(own);
  EXPECT_EQ(event_field(*own, "flowNodeId"), "UserTask_1");
  EXPECT_EQ(own->find(sample_token), std::string::npos) << "an owner's token in a payload";
  ASSERT_TRUE(admin.wait_for(event_named("user_task_waiting", instance)));
  // A ping round trip after the global event: the per-user copy would have come before it.
  ASSERT_TRUE(admin.wait_for([](const std::string& p) { return p == "3"; }));
  for (const auto& packet : admin.received()) {
    EXPECT_EQ(packet.find("/user_id\""), std::string::npos) << packet;
    EXPECT_EQ(packet.find(sample_token), std::string::npos);
  }
}

}  // namespace
}  // namespace processhost::notifications_integration
