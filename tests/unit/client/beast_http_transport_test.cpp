#include <gtest/gtest.h>

#include <chrono>

#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/http_transport.hpp"
#include "test_http_server.hpp"

namespace processhost::client {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

BeastHttpTransport make_transport(const TestHttpServer& server, TransportOptions options = {}) {
  return BeastHttpTransport(BaseUrl::parse(server.url()).value(), options);
}

HttpCall get(std::string target) {
  HttpCall call;
  call.method = "GET";
  call.target = std::move(target);
  return call;
}

TEST(BeastHttpTransport, ReusesOneConnectionForManyRequests) {
  TestHttpServer server([](const TestRequest& request) { return TestResponse{200, "\"" + request.target + "\""}; });
  auto transport = make_transport(server);
  for (int i = 0; i < 5; ++i) {
    auto reply = transport.send(get("/n/" + std::to_string(i)));
    ASSERT_TRUE(reply) << reply.error().describe();
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "\"/n/" + std::to_string(i) + "\"");
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(transport.connections_opened(), 1u);
}

TEST(BeastHttpTransport, SendsHeadersAndBody) {
  TestRequest seen;
  TestHttpServer server([&](const TestRequest& request) {
    seen = request;
    return TestResponse{204, ""};
  });
  auto transport = make_transport(server);
  HttpCall call;
  call.method = "POST";
  call.target = "/x?y=1";
  call.body = R"({"a":1})";
  call.headers.emplace_back("Authorization", "Bearer t");
  auto reply = transport.send(call);
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->status, 204);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/x?y=1");
  EXPECT_EQ(seen.body, R"({"a":1})");
  EXPECT_EQ(seen.header("Authorization"), "Bearer t");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  EXPECT_EQ(seen.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(BeastHttpTransport, ReconnectsWhenTheHostClosedTheIdleConnection) {
  int served = 0;
  TestHttpServer server([&](const TestRequest&) {
    ++served;
    TestResponse response{200, "{}"};
    response.close_after = served == 1;
    return response;
  });
  auto transport = make_transport(server);
  ASSERT_TRUE(transport.send(get("/first")));
  auto second = transport.send(get("/second"));
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(served, 2);
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(transport.connections_opened(), 2u);
}

TEST(BeastHttpTransport, TimesOutASlowRequestAndRecovers) {
  TestHttpServer server([](const TestRequest& request) {
    TestResponse response{200, "{}"};
    if (request.target == "/slow") response.delay = std::chrono::milliseconds(3000);
    return response;
  });
  TransportOptions options;
  options.request_timeout = std::chrono::milliseconds(150);
  auto transport = make_transport(server, options);
  const auto started = std::chrono::steady_clock::now();
  auto slow = transport.send(get("/slow"));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, ErrorKind::timeout);
  EXPECT_EQ(slow.error().message, "no answer from " + server.url() + " within 150 ms");
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  auto fast = transport.send(get("/fast"));
  ASSERT_TRUE(fast) << fast.error().describe();
  EXPECT_EQ(fast->status, 200);
}

TEST(BeastHttpTransport, ARefusedConnectionIsATransportError) {
  std::string url;
  {
    TestHttpServer server([](const TestRequest&) { return TestResponse{}; });
    url = server.url();
  }
  BeastHttpTransport transport(BaseUrl::parse(url).value());
  auto reply = transport.send(get("/"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, ErrorKind::transport);
  EXPECT_NE(reply.error().message.find("could not connect to " + url), std::string::npos) << reply.error().message;
}

TEST(BeastHttpTransport, EnforcesTheBodyLimit) {
  TestHttpServer server([](const TestRequest&) { return TestResponse{200, std::string(4096, 'x')}; });
  TransportOptions options;
  options.body_limit = 1024;
  auto transport = make_transport(server, options);
  auto reply = transport.send(get("/big"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, ErrorKind::protocol);
}

TEST(BeastHttpTransport, ErrorAnswersBecomeTypedErrorsOfTheClient) {
  TestHttpServer server([](const TestRequest& request) {
    if (request.target.find("/process_models/missing") != std::string::npos) {
      return TestResponse{404, R"({"message":"ProcessModel 'missing' not found","additionalInformation":{"id":"missing"}})"};
    }
    if (request.target.find("/finish") != std::string::npos) return TestResponse{204, ""};
    return TestResponse{500, "database is down"};
  });
  auto transport = make_transport(server);
  ConsumerApiClient client(transport);
  const Identity user{"t", "u"};
  auto missing = client.process_model(user, "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::http);
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(missing.error().message, "ProcessModel 'missing' not found");
  EXPECT_EQ(missing.error().additional_information, R"({"id":"missing"})");

  auto down = client.process_models(user);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().status, 500);
  EXPECT_EQ(down.error().message, "database is down");

  EXPECT_TRUE(client.finish_user_task(user, "p", "c", "f", {R"({"ok":true})"}));
  EXPECT_EQ(server.connections_accepted(), 1u);
}

}  // namespace
}  // namespace processhost::client
