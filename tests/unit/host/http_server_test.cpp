// The HTTP server in process on port 0, with a real TCP client: routing, errors, limits,
// keep-alive, pipelining, timeouts and graceful shutdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <set>
#include <future>
#include <mutex>
#include <thread>

#include <rapidjson/document.h>

#include "http_server.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::host {
namespace {

using namespace std::chrono_literals;
using testing::HttpClient;
using testing::HttpReply;

class CapturingLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
    logged_.notify_all();
  }
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // Waits until a line containing part is logged; false when none is within limit.
  bool wait_for_line(std::string_view part, std::chrono::milliseconds limit) const {
    std::unique_lock lock(mutex_);
    return logged_.wait_for(lock, limit, [&] {
      return std::any_of(lines_.begin(), lines_.end(),
                         [&](const std::string& line) { return line.find(part) != std::string::npos; });
    });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable logged_;
  std::vector<std::string> lines_;
};

// Answers from its own thread after a delay, as a plugin that waits on the engine would.
class Later {
 public:
  ~Later() {
    for (auto& thread : threads_) thread.join();
  }
  void respond(std::shared_ptr<Responder> responder, std::chrono::milliseconds delay, HttpResponse response) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back([responder, delay, response]() mutable {
      std::this_thread::sleep_for(delay);
      responder->respond(std::move(response));
    });
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    config_.port = 0;
    config_.max_body_bytes = 64;
    config_.read_timeout = 300ms;
    config_.drain_timeout = 2s;
    config_.pipeline_limit = 4;
  }

  void start() {
    server_ = std::make_unique<HttpServer>(config_, routes_, logger_, "processhost/test");
    server_->start();
  }
  std::uint16_t port() const { return server_->port(); }

  HttpConfig config_;
  RouteTable routes_;
  CapturingLogger logger_;
  Later later_;
  std::unique_ptr<HttpServer> server_;
};

std::string echo_json(const HttpRequest& request) {
  std::string json = "{\"method\":" + json_quote(request.method) + ",\"path\":" + json_quote(request.path) +
                     ",\"target\":" + json_quote(request.target) + ",\"body\":" + json_quote(request.body) +
                     ",\"a\":" + json_quote(request.param("a")) + ",\"b\":" + json_quote(request.param("b")) +
                     ",\"x\":" + json_quote(request.query_param("x").value_or("-")) +
                     ",\"test\":" + json_quote(request.header("x-test").value_or("-")) + "}";
  return json;
}

TEST_F(HttpServerTest, RoutesWithParamsQueryHeadersAndBody) {
  routes_.add("test", "POST", "/echo/:a/:b", [](HttpRequest request, std::shared_ptr<Responder> responder) {
    responder->respond(HttpResponse::json(200, echo_json(request)));
  });
  start();
  HttpClient client(port());
  const HttpReply reply = client.post("/echo/one/t%C3%BCr/?x=a+b", R"({"k":1})", {{"X-Test", "yes"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.header("server"), "processhost/test");
  EXPECT_EQ(reply.body, "{\"method\":\"POST\",\"path\":\"/echo/one/t\xC3\xBCr\",\"target\":\"/echo/one/t%C3%BCr/?x=a+b\","
                        "\"body\":\"{\\\"k\\\":1}\",\"a\":\"one\",\"b\":\"t\xC3\xBCr\",\"x\":\"a b\",\"test\":\"yes\"}");
}

TEST_F(HttpServerTest, UnknownRouteIs404Json) {
  start();
  const HttpReply reply = testing::http_request(port(), "GET", "/missing/route");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body, R"({"message":"no route for GET /missing/route"})");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  routes_.add("test", "GET", "/thing/:id", [](HttpRequest, std::shared_ptr<Responder> r) { r->respond({}); });
  routes_.add("test", "PUT", "/thing/:id", [](HttpRequest, std::shared_ptr<Responder> r) { r->respond({}); });
  start();
  const HttpReply reply = testing::http_request(port(), "DELETE", "/thing/7");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("allow"), "GET, PUT");
  EXPECT_EQ(reply.body, R"json({"message":"method DELETE is not allowed on /thing/7 (allowed: GET, PUT)"})json");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndTheConnectionCloses) {
  std::atomic<int> calls{0};
  routes_.add("test", "POST", "/upload", [&](HttpRequest, std::shared_ptr<Responder> r) {
    ++calls;
    r->respond(HttpResponse::no_content());
  });
  start();
  HttpClient client(port());
  const HttpReply small = client.post("/upload", std::string(64, 'x'));
  EXPECT_EQ(small.status, 204);
  const HttpReply big = client.post("/upload", std::string(65, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body, R"({"message":"the request body of 65 bytes exceeds the limit of 64 bytes",)"
                      R"("additionalInformation":{"limit":"maxBodyBytes","max":64}})");
  EXPECT_EQ(big.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  routes_.add("test", "POST", "/upload", [](HttpRequest, std::shared_ptr<Responder> r) { r->respond({}); });
  start();
  HttpClient client(port());
  client.send_raw("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'a') +
                  "\r\n10\r\n" + std::string(16, 'b') + "\r\n0\r\n\r\n");
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.body, R"({"message":"the request body exceeds the limit of 64 bytes",)"
                        R"("additionalInformation":{"limit":"maxBodyBytes","max":64}})");
}

TEST_F(HttpServerTest, ContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent) {
  std::atomic<int> calls{0};
  routes_.add("test", "POST", "/upload", [&](HttpRequest, std::shared_ptr<Responder> r) {
    ++calls;
    r->respond({});
  });
  start();
  HttpClient client(port());
  // Only the header: an answer proves the host did not wait for the announced body.
  client.send_raw("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(HttpServerTest, ARouteMayDeclareItsOwnBodyLimit) {
  routes_.add("test", "POST", "/large", [](HttpRequest request, std::shared_ptr<Responder> r) {
    r->respond(HttpResponse::json(200, std::to_string(request.body.size())));
  }, RouteOptions{256});
  routes_.add("test", "POST", "/small", [](HttpRequest, std::shared_ptr<Responder> r) { r->respond({}); });
  start();
  EXPECT_EQ(HttpClient(port()).post("/large", std::string(256, 'x')).body, "256");
  const HttpReply over = HttpClient(port()).post("/large", std::string(257, 'x'));
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(over.body, R"({"message":"the request body of 257 bytes exceeds the limit of 256 bytes",)"
                       R"("additionalInformation":{"limit":"maxBodyBytes","max":256}})");
  EXPECT_EQ(HttpClient(port()).post("/small", std::string(65, 'x')).status, 413);
  // An unknown route gets the host's limit, and its 404 once the body was read.
  EXPECT_EQ(HttpClient(port()).post("/unknown", std::string(65, 'x')).status, 413);
  EXPECT_EQ(HttpClient(port()).post("/unknown", std::string(64, 'x')).status, 404);
}

TEST_F(HttpServerTest, HeaderOverTheLimitIs431NamingTheLimit) {
  config_.max_header_bytes = 2048;
  routes_.add("test", "GET", "/h", [](HttpRequest, std::shared_ptr<Responder> r) { r->respond({}); });
  start();
  EXPECT_EQ(HttpClient(port()).get("/h", {{"X-Fill", std::string(1500, 'a')}}).status, 200);
  HttpClient client(port());
  const HttpReply reply = client.get("/h", {{"X-Fill", std::string(2100, 'a')}});
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(reply.body, R"({"message":"the request line and header fields exceed the limit of 2048 bytes",)"
                        R"("additionalInformation":{"limit":"maxHeaderBytes","max":2048}})");
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST_F(HttpServerTest, RequestsCarryTheConfiguredJsonLimits) {
  config_.json_limits.max_depth = 3;
  config_.json_limits.max_members = 7;
  routes_.add("test", "GET", "/limits", [](HttpRequest request, std::shared_ptr<Responder> r) {
    r->respond(HttpResponse::json(200, std::to_string(request.json_limits.max_depth) + "," +
                                           std::to_string(request.json_limits.max_members)));
  });
  start();
  EXPECT_EQ(testing::http_request(port(), "GET", "/limits").body, "3,7");
}

TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  start();
  HttpClient client(port());
  client.send_raw("GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"message":"malformed HTTP request: bad field"})");
  EXPECT_TRUE(client.wait_closed(2s));

  HttpClient other(port());
  other.send_raw("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  const HttpReply bad_target = other.read_reply();
  EXPECT_EQ(bad_target.status, 400);
  EXPECT_EQ(bad_target.body, R"({"message":"malformed request target"})");
  EXPECT_EQ(bad_target.header("connection"), "close");
  EXPECT_TRUE(other.wait_closed(2s));

  HttpClient query(port());
  query.send_raw("GET /a?x=%4 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(query.read_reply().status, 400);
  EXPECT_TRUE(query.wait_closed(2s));
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  std::set<std::string> remotes;
  std::mutex mutex;
  routes_.add("test", "GET", "/n", [&](HttpRequest request, std::shared_ptr<Responder> r) {
    {
      std::lock_guard lock(mutex);
      remotes.insert(request.remote_address);
    }
    r->respond(HttpResponse::json(200, std::to_string(++calls)));
  });
  start();
  HttpClient client(port());
  for (int i = 1; i <= 5; ++i) {
    const HttpReply reply = client.get("/n");
    EXPECT_EQ(reply.body, std::to_string(i));
    EXPECT_NE(reply.header("connection"), "close");
  }
  const HttpReply last = client.get("/n", {{"Connection", "close"}});
  EXPECT_EQ(last.body, "6");
  EXPECT_EQ(last.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(remotes, std::set<std::string>{"127.0.0.1"});
}

TEST_F(HttpServerTest, PipelinedRepliesKeepRequestOrder) {
  routes_.add("test", "GET", "/slow", [this](HttpRequest, std::shared_ptr<Responder> r) {
    later_.respond(r, 200ms, HttpResponse::json(200, R"("slow")"));
  });
  routes_.add("test", "GET", "/fast", [](HttpRequest, std::shared_ptr<Responder> r) {
    r->respond(HttpResponse::json(200, R"("fast")"));
  });
  start();
  HttpClient client(port());
  client.send_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read_reply().body, R"("slow")");
  EXPECT_EQ(client.read_reply().body, R"("fast")");
}

TEST_F(HttpServerTest, PipeliningIsBounded) {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::shared_ptr<Responder>> waiting;
  routes_.add("test", "GET", "/wait", [&](HttpRequest, std::shared_ptr<Responder> r) {
    std::lock_guard lock(mutex);
    waiting.push_back(std::move(r));
    arrived.notify_all();
  });
  const auto wait_for = [&](std::size_t count) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, 10s, [&] { return waiting.size() >= count; });
  };
  start();
  HttpClient client(port());
  std::string burst;
  for (int i = 0; i < 6; ++i) burst += "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n";
  client.send_raw(burst);
  ASSERT_TRUE(wait_for(4));
  // The session stops reading at the limit and says so; from then on nothing is read until an
  // answer is written, so the count below is final rather than a snapshot.
  ASSERT_TRUE(logger_.wait_for_line("4 requests unanswered on one connection (pipelineLimit); reading paused", 10s));
  {
    std::lock_guard lock(mutex);
    // Only pipelineLimit requests are read while none is answered.
    EXPECT_EQ(waiting.size(), 4u);
    for (auto& responder : waiting) responder->respond(HttpResponse::json(200, "1"));
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(client.read_reply().body, "1");
  ASSERT_TRUE(wait_for(6));
  {
    std::lock_guard lock(mutex);
    for (std::size_t i = 4; i < waiting.size(); ++i) waiting[i]->respond(HttpResponse::json(200, "2"));
  }
  EXPECT_EQ(client.read_reply().body, "2");
  EXPECT_EQ(client.read_reply().body, "2");
}

TEST_F(HttpServerTest, OnlyTheFirstRespondCounts) {
  routes_.add("test", "GET", "/twice", [](HttpRequest, std::shared_ptr<Responder> r) {
    r->respond(HttpResponse::json(200, "1"));
    r->respond(HttpResponse::json(500, "2"));
  });
  start();
  HttpClient client(port());
  EXPECT_EQ(client.get("/twice").body, "1");
  EXPECT_EQ(client.get("/twice").body, "1");
}

TEST_F(HttpServerTest, AThrowingHandlerIs500) {
  routes_.add("test", "GET", "/throw", [](HttpRequest, std::shared_ptr<Responder>) {
    throw std::runtime_error("handler bug");
  });
  start();
  const HttpReply reply = testing::http_request(port(), "GET", "/throw");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, R"({"message":"internal error"})");
  const auto lines = logger_.lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "route handler threw: handler bug"), lines.end());
}

TEST_F(HttpServerTest, AnIdleOrSlowConnectionIsClosedAfterTheReadTimeout) {
  start();
  HttpClient idle(port());
  HttpClient slow(port());
  slow.send_raw("GET /health HTTP/1.1\r\nHo");
  EXPECT_TRUE(idle.wait_closed(3s));
  EXPECT_TRUE(slow.wait_closed(3s));
}

TEST_F(HttpServerTest, AWaitingHandlerIsNotTimedOut) {
  routes_.add("test", "GET", "/slow", [this](HttpRequest, std::shared_ptr<Responder> r) {
    later_.respond(r, 600ms, HttpResponse::json(200, R"("late")"));
  });
  start();
  HttpClient client(port());
  EXPECT_EQ(client.get("/slow").body, R"("late")");
}

TEST_F(HttpServerTest, ClientGoneCancelsTheResponder) {
  std::promise<void> cancelled;
  std::promise<std::shared_ptr<Responder>> held;
  routes_.add("test", "GET", "/wait", [&](HttpRequest, std::shared_ptr<Responder> r) {
    r->on_cancel([&] { cancelled.set_value(); });
    held.set_value(r);
  });
  start();
  {
    HttpClient client(port());
    client.send_raw("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
    held.get_future().wait();
  }
  EXPECT_EQ(cancelled.get_future().wait_for(3s), std::future_status::ready);
}

TEST_F(HttpServerTest, StopLetsARequestInFlightFinish) {
  std::promise<void> received;
  routes_.add("test", "GET", "/slow", [&](HttpRequest, std::shared_ptr<Responder> r) {
    later_.respond(r, 400ms, HttpResponse::json(200, R"("finished")"));
    received.set_value();
  });
  start();
  const auto bound = port();
  HttpClient client(bound);
  client.send_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  received.get_future().wait();
  std::thread stopper([this] { server_->stop(); });
  const HttpReply reply = client.read_reply();
  stopper.join();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"("finished")");
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_THROW(HttpClient{bound}, testing::HttpClientError);
}

TEST_F(HttpServerTest, StopAnswers503WhenTheDrainTimeoutPasses) {
  config_.drain_timeout = 200ms;
  std::promise<void> cancelled;
  std::shared_ptr<Responder> kept;
  std::promise<void> arrived;
  routes_.add("test", "GET", "/forever", [&](HttpRequest, std::shared_ptr<Responder> r) {
    r->on_cancel([&] { cancelled.set_value(); });
    kept = r;
    arrived.set_value();
  });
  start();
  HttpClient client(port());
  client.send_raw("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
  arrived.get_future().wait();
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(cancelled.get_future().wait_for(0s), std::future_status::ready);
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body, R"({"message":"the host is shutting down"})");
  EXPECT_TRUE(kept->cancelled());
  kept->respond(HttpResponse::json(200, "{}"));  // after stop: ignored, no crash
}

}  // namespace
}  // namespace processhost::host
