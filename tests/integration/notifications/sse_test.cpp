// Server-Sent Events at GET /api/consumer/v1/notifications on the real host: the stream's
// head, events with ids, filters, Last-Event-ID resume, authentication, per-user events.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "notification_host.hpp"
#include "socket_io_test_client.hpp"

namespace processhost::notifications_integration {
namespace {

using namespace std::chrono_literals;

// A raw connection that sends one request and reads what arrives, as it arrives.
class StreamReader {
 public:
  StreamReader(std::uint16_t port, const std::string& target, const Headers& headers = {}) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot connect");
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("cannot send");
    }
  }
  ~StreamReader() { ::close(fd_); }

  // Reads until text has arrived; false after timeout or when the server closed.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return false;
      received_.append(buffer, static_cast<std::size_t>(got));
    }
    return true;
  }
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string received_;
};

const std::string kStream = "/api/consumer/v1/notifications";

class SseOpenHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = std::make_unique<NotificationHost>(false); }
  static void TearDownTestSuite() { host_.reset(); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static inline std::unique_ptr<NotificationHost> host_;
};

TEST_F(SseOpenHost, StreamsEventsWithIdsAndFilters) {
  StreamReader everything(host_->port(), kStream);
  ASSERT_TRUE(everything.wait_for("retry: 3000\n\n"));
  EXPECT_NE(everything.received().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(everything.received().find("Transfer-Encoding: chunked"), std::string::npos);
  StreamReader other_correlation(host_->port(), kStream + "?correlation_id=someone-else");
  ASSERT_TRUE(other_correlation.wait_for("retry: 3000\n\n"));
  StreamReader this_model(host_->port(), kStream + "?process_model_id=sample_process&correlation_id=sse-filter");
  ASSERT_TRUE(this_model.wait_for("retry: 3000\n\n"));

  const auto instance = host_->start_sample("", "sse-filter");
  ASSERT_TRUE(this_model.wait_for("event: user_task_waiting\ndata: {\"correlationId\":\"sse-filter\""));
  EXPECT_NE(this_model.received().find("event: process_started\ndata: {\"correlationId\":\"sse-filter\","
                                       "\"processModelId\":\"sample_process\",\"processInstanceId\":\"" +
                                       instance + "\""),
            std::string::npos)
      << this_model.received();
  ASSERT_TRUE(everything.wait_for("event: user_task_waiting\n"));
  EXPECT_NE(everything.received().find("\nid: "), std::string::npos);
  EXPECT_FALSE(other_correlation.wait_for("event:", 300ms)) << other_correlation.received();
}

TEST_F(SseOpenHost, LastEventIdResumesWithinTheWindow) {
  std::string first_id;
  {
    StreamReader stream(host_->port(), kStream + "?correlation_id=sse-resume");
    ASSERT_TRUE(stream.wait_for("retry: 3000\n\n"));
    host_->start_sample("", "sse-resume");
    ASSERT_TRUE(stream.wait_for("event: process_started\n"));
    const auto at = stream.received().find("id: ");
    first_id = stream.received().substr(at + 4, stream.received().find('\n', at) - at - 4);
  }
  StreamReader resumed(host_->port(), kStream + "?correlation_id=sse-resume", {{"Last-Event-ID", first_id}});
  ASSERT_TRUE(resumed.wait_for("event: user_task_waiting\n")) << resumed.received();
  EXPECT_EQ(resumed.received().find("event: process_started\n"), std::string::npos) << "replayed the one it had";

  StreamReader too_old(host_->port(), kStream, {{"Last-Event-ID", "999999"}});
  EXPECT_TRUE(too_old.wait_for("event: events_lost\ndata: {\"lastEventId\":999999,")) << too_old.received();
}

TEST(SseWithIam, NeedsATokenAndSendsPerUserEventsOnlyToTheirUser) {
  NotificationHost host(true);
  const auto missing = processhost::testing::http_request(host.port(), "GET", kStream);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"message":"No auth token provided!"})");

  const auto sample_token = host.login("sampleUser", "pass");
  const auto admin_token = host.login("admin", "admin-pass");
  StreamReader sample(host.port(), kStream, {{"Authorization", "Bearer " + sample_token}});
  StreamReader admin(host.port(), kStream, {{"Authorization", "Bearer " + admin_token}});
  ASSERT_TRUE(sample.wait_for("retry: 3000\n\n"));
  ASSERT_TRUE(admin.wait_for("retry: 3000\n\n"));
  host.start_sample(sample_token, "sse-per-user");
  ASSERT_TRUE(sample.wait_for("event: user_task_waiting/sampleUser/user_id\n"));
  ASSERT_TRUE(admin.wait_for("event: user_task_waiting\n"));
  host.start_sample(admin_token, "sse-per-user-2");
  ASSERT_TRUE(admin.wait_for("event: user_task_waiting/admin/user_id\n"));
  EXPECT_EQ(admin.received().find("sampleUser/user_id"), std::string::npos);
  EXPECT_EQ(sample.received().find(sample_token), std::string::npos);
}

TEST(NotificationShutdown, OpenStreamsPollsAndWebSocketsDoNotHoldTheShutdown) {
  auto host = std::make_unique<NotificationHost>(false);
  StreamReader stream(host->port(), kStream);
  ASSERT_TRUE(stream.wait_for("retry: 3000\n\n"));
  WebSocketClient ws(host->port());
  ASSERT_TRUE(ws.read());
  PollingSession session(host->port());
  std::vector<std::string> last_poll;
  // A poll that waits: the shutdown answers it with a close packet.
  std::thread poller([&] { last_poll = session.poll(); });
  std::this_thread::sleep_for(200ms);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(host->stop(), 0) << host->output();
  const auto took = std::chrono::steady_clock::now() - before;
  poller.join();
  EXPECT_LT(took, 4s);
  EXPECT_EQ(last_poll, (std::vector<std::string>{"1"}));
  // The stream ended with its last chunk.
  EXPECT_TRUE(stream.wait_for("0\r\n\r\n", 2s)) << stream.received();
}

}  // namespace
}  // namespace processhost::notifications_integration
