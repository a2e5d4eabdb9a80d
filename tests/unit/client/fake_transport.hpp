#pragma once
// A scripted HttpTransport for unit tests: records every call and answers from a queue of
// replies (or a default reply when the queue is empty).

#include <deque>
#include <vector>

#include "processhost/client/http_transport.hpp"

namespace processhost::client::testing {

class FakeTransport : public HttpTransport {
 public:
  FakeTransport() { url_.host = "example.test"; url_.port = 8000; }

  ClientResult<HttpReply> send(const HttpCall& call) override {
    calls.push_back(call);
    if (replies.empty()) return default_reply;
    auto reply = std::move(replies.front());
    replies.pop_front();
    return reply;
  }
  const BaseUrl& base_url() const override { return url_; }

  void reply(int status, std::string body) { replies.push_back(make(status, std::move(body))); }
  static HttpReply make(int status, std::string body) {
    HttpReply reply;
    reply.status = status;
    reply.reason = status < 300 ? "OK" : "Error";
    reply.body = std::move(body);
    return reply;
  }
  std::string header(std::size_t call, const std::string& name) const {
    for (const auto& [key, value] : calls.at(call).headers) {
      if (key == name) return value;
    }
    return "<absent>";
  }

  std::vector<HttpCall> calls;
  std::deque<ClientResult<HttpReply>> replies;
  ClientResult<HttpReply> default_reply = make(200, "{}");

 private:
  BaseUrl url_;
};

}  // namespace processhost::client::testing
