#pragma once
// A HostContext for plugin tests: an in-memory service registry, a router that keeps the
// routes, a logger that keeps its lines, and a responder a test can wait on.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "processhost/host_context.hpp"
#include "processhost/json.hpp"

namespace processhost::testing {

class FakeRegistry final : public ServiceRegistry {
 public:
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

class FakeRouter final : public HttpRouter {
 public:
  void add_route(std::string method, std::string pattern, HttpHandler handler) override {
    auto key = method + " " + pattern;
    if (!routes_.emplace(key, std::move(handler)).second) throw std::invalid_argument("duplicate route " + key);
  }
  HttpHandler* find(const std::string& method, const std::string& pattern) {
    auto found = routes_.find(method + " " + pattern);
    return found == routes_.end() ? nullptr : &found->second;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> result;
    for (const auto& entry : routes_) result.push_back(entry.first);
    return result;
  }
  void clear() { routes_.clear(); }

 private:
  std::map<std::string, HttpHandler> routes_;
};

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

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

class FakeHostContext final : public HostContext {
 public:
  FakeHostContext(const std::string& config_json, std::filesystem::path config_dir)
      : config_dir_(std::move(config_dir)), config_file_(config_dir_ / "host.json") {
    if (auto error = json_parse(config_json, config_)) throw std::invalid_argument(*error);
  }
  ServiceRegistry& services() override { return registry_; }
  HttpRouter& http() override { return router_; }
  Logger& logger() override { return logger_; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return config_dir_; }
  const std::filesystem::path& config_file() const override { return config_file_; }
  std::string_view plugin_name() const override { return "iam"; }

  FakeRegistry registry_;
  FakeRouter router_;
  FakeLogger logger_;

 private:
  rapidjson::Document config_;
  std::filesystem::path config_dir_;
  std::filesystem::path config_file_;
};

class WaitingResponder final : public Responder {
 public:
  void respond(HttpResponse response) override {
    std::lock_guard lock(mutex_);
    if (response_) return;
    response_ = std::move(response);
    done_.notify_all();
  }
  bool cancelled() const override { return false; }
  void on_cancel(std::function<void()>) override {}
  std::optional<HttpResponse> wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, timeout, [this] { return response_.has_value(); });
    return response_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<HttpResponse> response_;
};

}  // namespace processhost::testing
