#pragma once
// Plain HTTP types for plugin routes. No Asio or Beast object crosses the plugin boundary:
// the host parses a request into HttpRequest, a plugin answers through a Responder.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processhost/json.hpp"
#include "processhost/result.hpp"

namespace processhost {

struct HttpRequest {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, no query, no trailing slash (except "/")
  // Percent-decoded query parameters in order of appearance.
  std::vector<std::pair<std::string, std::string>> query;
  // Header names in lower case; a header sent several times appears several times.
  std::vector<std::pair<std::string, std::string>> headers;
  // Values of the route pattern's ":name" segments, percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;
  std::string body;
  std::string remote_address;
  // The host's limits for JSON from outside (config `http.maxJson*`): pass them to
  // json_parse when parsing body, so every plugin refuses the same documents.
  JsonLimits json_limits;

  std::optional<std::string_view> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return std::nullopt;
  }
  std::size_t header_count(std::string_view lower_name) const {
    std::size_t count = 0;
    for (const auto& entry : headers) count += entry.first == lower_name ? 1 : 0;
    return count;
  }
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
  // The value of a route parameter; empty if the pattern has no such parameter.
  std::string_view param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse json(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = std::move(body);
    return response;
  }
  static HttpResponse no_content() {
    HttpResponse response;
    response.status = 204;
    return response;
  }
  // The error body every component uses: {"message": ..., "additionalInformation": ...}.
  static HttpResponse error(const Error& error) {
    std::string body = "{\"message\":" + json_quote(error.message);
    if (!error.additional_information.empty()) {
      body += ",\"additionalInformation\":" + error.additional_information;
    }
    body += "}";
    return json(error.http_status(), std::move(body));
  }
  static HttpResponse error(ErrorStatus status, std::string message, std::string additional_information = {}) {
    return error(make_error(status, std::move(message), std::move(additional_information)));
  }
};

// The body of a streamed answer (Server-Sent Events and the like), written piece by piece
// with chunked transfer encoding. Thread-safe; never blocks.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues bytes of the body. False when the client is gone, the stream ended, or the bytes
  // not yet written would pass the stream's limit: the connection is then closed, so a slow
  // reader is never buffered for without bound.
  virtual bool write(std::string bytes) = 0;
  // Ends the body. Idempotent.
  virtual void end() = 0;
};

// Completes one request. Thread-safe: may be called from any thread, later than the
// handler returned. Only the first respond() (or stream()) counts; later calls are ignored.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void respond(HttpResponse response) = 0;
  // True once the client has gone away or the host is shutting down; a waiting handler
  // should then drop its wait. on_cancel runs the callback once, at once if already
  // cancelled. The callback must not outlive the plugin that registered it.
  virtual bool cancelled() const = 0;
  virtual void on_cancel(std::function<void()> callback) = 0;
  // Answers with head's status, headers and body, and a body that goes on through the
  // returned stream until it ends or the client leaves (then on_cancel's callbacks run).
  // max_queued_bytes bounds what waits to be written. nullptr when this responder cannot
  // stream or has answered already.
  virtual std::shared_ptr<ResponseStream> stream(HttpResponse head, std::size_t max_queued_bytes) {
    (void)head;
    (void)max_queued_bytes;
    return nullptr;
  }
};

// Called on an I/O thread: must not block. Answer now or later through the responder.
using HttpHandler = std::function<void(HttpRequest request, std::shared_ptr<Responder> responder)>;

// What a route may ask of the host beyond its pattern.
struct RouteOptions {
  // Largest request body the route accepts; nullopt: the host's http.maxBodyBytes. A
  // larger body is refused with 413 before it is read. When set above it, a JSON string in
  // the body may be as long as the body (http.maxJsonStringBytes is raised to it).
  std::optional<std::size_t> max_body_bytes;
};

// Route table. Patterns are literal segments and ":name" parameters, e.g.
// "/api/consumer/v1/process_models/:process_model_id/start". A trailing slash on the
// request is tolerated. Unknown path: 404 JSON; known path, wrong method: 405 JSON.
class HttpRouter {
 public:
  virtual ~HttpRouter() = default;
  // Control plane: call from configure() or start(). Throws std::invalid_argument on a
  // malformed pattern or a duplicate (method, pattern). Routes are removed when the
  // registering plugin stops.
  virtual void add_route(std::string method, std::string pattern, HttpHandler handler, RouteOptions options) = 0;
  // The route with the host's defaults.
  void add_route(std::string method, std::string pattern, HttpHandler handler) {
    add_route(std::move(method), std::move(pattern), std::move(handler), RouteOptions{});
  }
};

}  // namespace processhost
