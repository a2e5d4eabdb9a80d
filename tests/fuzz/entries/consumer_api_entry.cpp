#include <rapidjson/document.h>

#include "answering_engine.hpp"
#include "consumer_api_plugin.hpp"
#include "fuzz_entries.hpp"
#include "processhost/test/fake_host.hpp"
#include "silent_logger.hpp"

namespace processhost::fuzz {
namespace {

// The plugin configured and started once, with the answering engine and no identity
// service (the anonymous identity, as a host without iam runs it).
class ConsumerApiHost final : public HostContext {
 public:
  ConsumerApiHost() : plugin_("0.0.0-fuzz") {
    config_.SetObject();
    registry.provide(EngineService::kServiceId, static_cast<EngineService*>(&engine_));
    plugin_.configure(*this);
    plugin_.start(*this);
  }
  ~ConsumerApiHost() override { plugin_.stop(); }

  ServiceRegistry& services() override { return registry; }
  HttpRouter& http() override { return router; }
  Logger& logger() override { return logger_; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return dir_; }
  const std::filesystem::path& config_file() const override { return file_; }
  std::string_view plugin_name() const override { return "consumer_api"; }

  testing::FakeRegistry registry;
  testing::FakeRouter router;

 private:
  AnsweringEngine engine_;
  SilentLogger logger_;
  rapidjson::Document config_;
  std::filesystem::path dir_{"."};
  std::filesystem::path file_{"./host.json"};
  plugins::consumer_api::ConsumerApiPlugin plugin_;
};

const std::string kBase = "/api/consumer/v1";

}  // namespace

std::string consumer_api_request(std::string_view input) {
  static ConsumerApiHost host;
  const auto line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const std::string body(line_end == std::string_view::npos ? std::string_view{} : input.substr(line_end + 1));
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return "no route";
  const std::string method(line.substr(0, space));
  const std::string target = kBase + std::string(line.substr(space + 1));

  auto responder = host.router.dispatch(method, target, body, {{"content-type", "application/json"}});
  if (!responder) return "no route";
  // The engine answers at once, so every request must be answered by now.
  if (!responder->responded()) finding(method + " " + target + " was not answered");
  const HttpResponse& response = responder->response();
  if (!response.body.empty()) {
    rapidjson::Document document;
    document.Parse(response.body.data(), response.body.size());
    if (document.HasParseError()) finding("the answer to " + method + " " + target + " is not JSON: " + response.body);
  }
  return std::to_string(response.status);
}

}  // namespace processhost::fuzz
