#pragma once
// A tiny HTTP/1.1 server for transport tests: listens on 127.0.0.1, port 0, on its own
// thread; answers each request with what the handler returns; honours keep-alive. The
// destructor stops it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace processhost::client::testing {

struct TestRequest {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  std::string header(const std::string& name) const;
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering (timer, not sleep)
  bool close_after = false;           // close the connection after answering, unannounced
};

class TestHttpServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;
  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();

  std::uint16_t port() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::size_t connections_accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace processhost::client::testing
