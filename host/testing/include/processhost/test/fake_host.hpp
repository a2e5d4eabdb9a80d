#pragma once
// The host side of a plugin, faked in memory for plugin-level and unit tests: a service
// registry, a router that keeps the handlers (and dispatches a request like the host),
// a logger that keeps its lines, a HostContext tying them up, and a responder a test can
// wait on or cancel. Header-only (target ProcessHost::test_fake_host).
//
// Threading: FakeLogger and WaitingResponder may be used from any thread (plugins answer
// and log from their own threads). FakeRegistry and FakeRouter are filled during
// configure/start on the test's thread and read afterwards, as the host does.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "processhost/host_context.hpp"
#include "processhost/json.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"

namespace processhost::testing {

// Throws std::logic_error when a service id is provided twice (the host refuses it too).
class FakeRegistry final : public ServiceRegistry {
 public:
  using ServiceRegistry::find;
  using ServiceRegistry::provide;

  void provide(std::string_view service_id, void* service) override {
    if (!services_.emplace(std::string(service_id), service).second) {
      throw std::logic_error("service provided twice: " + std::string(service_id));
    }
  }
  void* find(std::string_view service_id) const override {
    auto found = services_.find(std::string(service_id));
    return found == services_.end() ? nullptr : found->second;
  }
  void clear() { services_.clear(); }

 private:
  std::map<std::string, void*> services_;
};

class WaitingResponder final : public Responder {
 public:
  // Keeps the first response; later calls are counted, not kept.
  void respond(HttpResponse response) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (response_) return;
    response_ = std::move(response);
    done_.notify_all();
  }
  bool cancelled() const override {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  // Runs the callback at once when the client is already gone.
  void on_cancel(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_) {
        on_cancel_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

  // Simulates the client going away: runs the on_cancel callbacks on this thread.
  void cancel() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      callbacks.swap(on_cancel_);
    }
    for (auto& callback : callbacks) callback();
  }
  bool responded() const {
    std::lock_guard lock(mutex_);
    return response_.has_value();
  }
  // The first response; only after responded() (or a successful wait()).
  const HttpResponse& response() const {
    std::lock_guard lock(mutex_);
    return *response_;
  }
  int respond_calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // The first response, once given; nullopt after the timeout.
  std::optional<HttpResponse> wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, timeout, [this] { return response_.has_value(); });
    return response_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::optional<HttpResponse> response_;
  int calls_ = 0;
  bool cancelled_ = false;
  std::vector<std::function<void()>> on_cancel_;
};

// Keeps the routes in the order they were added; a route added twice throws
// std::invalid_argument, as the host's router does.
class FakeRouter final : public HttpRouter {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    HttpHandler handler;
    RouteOptions options;
  };

  using HttpRouter::add_route;
  void add_route(std::string method, std::string pattern, HttpHandler handler, RouteOptions options) override {
    if (find(method, pattern) != nullptr) throw std::invalid_argument("duplicate route " + method + " " + pattern);
    routes_.push_back({std::move(method), std::move(pattern), std::move(handler), options});
  }
  HttpHandler* find(const std::string& method, const std::string& pattern) {
    for (auto& route : routes_) {
      if (route.method == method && route.pattern == pattern) return &route.handler;
    }
    return nullptr;
  }
  const std::vector<Route>& routes() const { return routes_; }
  // "METHOD pattern" of every route, sorted.
  std::vector<std::string> keys() const {
    std::vector<std::string> result;
    for (const auto& route : routes_) result.push_back(route.method + " " + route.pattern);
    std::sort(result.begin(), result.end());
    return result;
  }
  void clear() { routes_.clear(); }

  // Builds the request like the host does (path without a trailing slash, query pairs,
  // ":name" params) and calls the first matching handler on this thread.
  // Returns nullptr when no route matches.
  std::shared_ptr<WaitingResponder> dispatch(const std::string& method, const std::string& target,
                                             const std::string& body = {},
                                             std::vector<std::pair<std::string, std::string>> headers = {}) const {
    HttpRequest request;
    request.method = method;
    request.target = target;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (request.path.size() > 1 && request.path.back() == '/') request.path.pop_back();
    if (question != std::string::npos) {
      for (const auto& pair : split(target.substr(question + 1), '&')) {
        const auto equals = pair.find('=');
        request.query.emplace_back(pair.substr(0, equals),
                                   equals == std::string::npos ? "" : pair.substr(equals + 1));
      }
    }
    request.headers = std::move(headers);
    request.body = body;
    const auto path_segments = split(request.path, '/');
    for (const auto& route : routes_) {
      if (route.method != method) continue;
      const auto pattern_segments = split(route.pattern, '/');
      if (pattern_segments.size() != path_segments.size()) continue;
      std::vector<std::pair<std::string, std::string>> params;
      bool match = true;
      for (std::size_t i = 0; i < pattern_segments.size() && match; ++i) {
        if (!pattern_segments[i].empty() && pattern_segments[i][0] == ':') {
          params.emplace_back(pattern_segments[i].substr(1), path_segments[i]);
        } else {
          match = pattern_segments[i] == path_segments[i];
        }
      }
      if (!match) continue;
      request.params = std::move(params);
      auto responder = std::make_shared<WaitingResponder>();
      route.handler(std::move(request), responder);
      return responder;
    }
    return nullptr;
  }

 private:
  static std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream stream(text);
    while (std::getline(stream, part, separator)) parts.push_back(part);
    return parts;
  }

  std::vector<Route> routes_;
};

// Keeps every line with its level; every level is enabled.
class FakeLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(level, std::string(message));
  }
  bool enabled(LogLevel) const override { return true; }

  bool has_line(LogLevel level, std::string_view part) const {
    std::lock_guard lock(mutex_);
    for (const auto& [line_level, text] : lines_) {
      if (line_level == level && text.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::pair<LogLevel, std::string>> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // Every line's text, each followed by a newline (for failure messages).
  std::string text() const {
    std::lock_guard lock(mutex_);
    std::string result;
    for (const auto& line : lines_) result += line.second + "\n";
    return result;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

class FakeHostContext final : public HostContext {
 public:
  // config_json: the plugin's config object (throws std::invalid_argument when it is not
  // JSON). config_file: the file the config came from; empty means config_dir/host.json.
  FakeHostContext(const std::string& config_json, std::filesystem::path config_dir, std::string plugin_name,
                  std::filesystem::path config_file = {})
      : config_dir_(std::move(config_dir)),
        config_file_(config_file.empty() ? config_dir_ / "host.json" : std::move(config_file)),
        plugin_name_(std::move(plugin_name)) {
    if (auto error = json_parse(config_json, config_)) throw std::invalid_argument(error->message);
  }

  ServiceRegistry& services() override { return registry; }
  HttpRouter& http() override { return router; }
  Logger& logger() override { return log; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return config_dir_; }
  const std::filesystem::path& config_file() const override { return config_file_; }
  std::string_view plugin_name() const override { return plugin_name_; }

  // Open to the test: it provides services, calls handlers and reads lines through them.
  FakeRegistry registry;
  FakeRouter router;
  FakeLogger log;

 private:
  rapidjson::Document config_;
  std::filesystem::path config_dir_;
  std::filesystem::path config_file_;
  std::string plugin_name_;
};

// The value of the first header called exactly name; nullopt when there is none.
inline std::optional<std::string> header_of(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace processhost::testing
