#pragma once
// Fakes of the host side for the Consumer API's unit tests: a responder that records,
// a router that captures routes and dispatches like the host, a registry, a logger,
// an identity service with a fixed token table, and the host context tying them up.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "processhost/host_context.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::consumer_api::testing {

class FakeResponder : public Responder {
 public:
  void respond(HttpResponse response) override;
  bool cancelled() const override;
  void on_cancel(std::function<void()> callback) override;

  // Simulates the client going away.
  void cancel();
  bool responded() const;
  const HttpResponse& response() const;  // the first response
  int respond_calls() const;

 private:
  mutable std::mutex mutex_;
  std::optional<HttpResponse> response_;
  int calls_ = 0;
  bool cancelled_ = false;
  std::vector<std::function<void()>> on_cancel_;
};

struct CapturedRoute {
  std::string method;
  std::string pattern;
  HttpHandler handler;
};

class FakeRouter : public HttpRouter {
 public:
  void add_route(std::string method, std::string pattern, HttpHandler handler) override;
  const std::vector<CapturedRoute>& routes() const { return routes_; }
  // Builds the request like the host does (path, query, params) and calls the handler.
  // Returns nullptr when no route matches.
  std::shared_ptr<FakeResponder> dispatch(const std::string& method, const std::string& target,
                                          const std::string& body = {},
                                          std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  std::vector<CapturedRoute> routes_;
};

class FakeRegistry : public ServiceRegistry {
 public:
  void provide(std::string_view service_id, void* service) override { services_[std::string(service_id)] = service; }
  void* find(std::string_view service_id) const override;

 private:
  std::map<std::string, void*> services_;
};

class FakeLogger : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override;
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::pair<LogLevel, std::string>> lines;
};

// Tokens map to identities; "Bearer <token>" is required.
class FakeIdentityService : public IdentityService {
 public:
  Result<Identity> authenticate(std::string_view header_value) const override;
  std::map<std::string, Identity> tokens;
};

class FakeHostContext : public HostContext {
 public:
  FakeHostContext() : config_(rapidjson::kObjectType) {}
  ServiceRegistry& services() override { return registry; }
  HttpRouter& http() override { return router; }
  Logger& logger() override { return log; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return dir_; }
  const std::filesystem::path& config_file() const override { return file_; }
  std::string_view plugin_name() const override { return "consumer_api"; }

  FakeRegistry registry;
  FakeRouter router;
  FakeLogger log;

 private:
  rapidjson::Value config_;
  std::filesystem::path dir_ = ".";
  std::filesystem::path file_ = "host.json";
};

}  // namespace processhost::plugins::consumer_api::testing
