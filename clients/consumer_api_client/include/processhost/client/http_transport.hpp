#pragma once
// The HTTP seam of the client library. ConsumerApiClient, IamClient and discover_host speak
// only to this interface, so unit tests can answer with fixed replies; BeastHttpTransport
// is the real one.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processhost/client/client_error.hpp"

namespace processhost::client {

// "http://host:port[/prefix]". Only plain http: the host is meant to sit behind a TLS
// terminating proxy when it leaves the machine.
struct BaseUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string path_prefix;  // "" or "/prefix" without a trailing slash

  // Errors (ErrorKind::protocol): no "http://", empty host, bad port.
  static ClientResult<BaseUrl> parse(std::string_view url);
  std::string to_string() const;
};

struct HttpCall {
  std::string method;  // "GET", "POST"
  std::string target;  // path and query below the base URL, starting with '/', already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // sent with Content-Type application/json when not empty
};

struct HttpReply {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Whole exchange once connected: sending the request and reading the whole reply.
  std::chrono::milliseconds request_timeout{30000};
  std::size_t body_limit = 64 * 1024 * 1024;
  std::string user_agent = "processhost-consumer-api-client";
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request and returns the reply whatever its status; only failures to get a
  // reply (transport, timeout) are errors here. Thread-safe.
  virtual ClientResult<HttpReply> send(const HttpCall& call) = 0;
  virtual const BaseUrl& base_url() const = 0;
};

// HTTP/1.1 over one kept-alive TCP connection (Boost.Beast). Calls are serialised by a
// mutex: use one transport per thread for parallel calls. A reused connection that the
// host closed while idle is reopened and the request sent once more (nothing of it was
// answered); any other failure closes the connection and is returned.
class BeastHttpTransport final : public HttpTransport {
 public:
  explicit BeastHttpTransport(BaseUrl base_url, TransportOptions options = {});
  ~BeastHttpTransport() override;
  BeastHttpTransport(const BeastHttpTransport&) = delete;
  BeastHttpTransport& operator=(const BeastHttpTransport&) = delete;

  ClientResult<HttpReply> send(const HttpCall& call) override;
  const BaseUrl& base_url() const override;

  // TCP connections opened so far (keep-alive means this stays at 1 for a healthy host).
  std::size_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes one path segment or query value (RFC 3986 unreserved kept).
std::string encode_component(std::string_view text);

}  // namespace processhost::client
