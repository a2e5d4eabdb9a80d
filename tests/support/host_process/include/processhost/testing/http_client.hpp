#pragma once
// A tiny blocking HTTP/1.1 client for tests: one TCP connection to 127.0.0.1 (or a given
// IPv4 address), kept alive across requests. Not thread-safe: one client per thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace processhost::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  Headers headers;  // names in lower case, in order received
  std::string body;

  std::optional<std::string> header(std::string_view lower_name) const;
};

// Thrown when the connection fails, times out or the reply is not HTTP.
class HttpClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  // Connects at once, from source_address when given (e.g. 127.0.0.2: the whole 127/8 is
  // loopback, so a test can play several clients). Throws HttpClientError.
  HttpClient(std::uint16_t port, std::string address = "127.0.0.1",
             std::chrono::milliseconds timeout = std::chrono::seconds(10), std::string source_address = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (Host and Content-Length added) and reads its reply.
  HttpReply request(std::string_view method, std::string_view target, std::string_view body = {},
                    const Headers& headers = {});
  HttpReply get(std::string_view target, const Headers& headers = {}) { return request("GET", target, {}, headers); }
  // Sends body as application/json unless headers say otherwise.
  HttpReply post(std::string_view target, std::string_view body, const Headers& headers = {});

  // Raw access for protocol tests: send bytes as they are; read one reply.
  void send_raw(std::string_view bytes);
  HttpReply read_reply();
  // True when the server closes the connection within timeout (EOF or reset).
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::milliseconds timeout);
  int fd_ = -1;
  std::string buffer_;
  std::chrono::milliseconds timeout_;
};

// One request on a fresh connection.
HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                       std::string_view body = {}, const Headers& headers = {});

}  // namespace processhost::testing
