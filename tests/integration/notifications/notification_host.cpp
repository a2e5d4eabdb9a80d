#include "notification_host.hpp"

#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::notifications_integration {
namespace {

constexpr const char* kUsers = R"json({
  "users": [
    {"username": "sampleUser", "userId": "sampleUser",
     "passwordHash": "$argon2id$v=19$m=65536,t=2,p=1$02l1aBrQuGm4E0kKWtNcaA$WHf0/gecuciymwFsjc3BwIq57Yi817w8jfhceaDrRdo",
     "claims": ["sample_lane", "can_read_process_model"]},
    {"username": "admin", "userId": "admin",
     "passwordHash": "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs",
     "claims": ["sample_lane", "can_read_process_model"]}
  ]
})json";

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  if (document.HasParseError()) throw std::runtime_error("not JSON: " + text);
  return document;
}

}  // namespace

NotificationHost::NotificationHost(bool with_iam, const std::string& notifications)
    : dir_(std::make_unique<processhost::testing::TempDir>()), with_iam_(with_iam) {
  dir_->write("users.json", kUsers);
  std::string plugins = R"({"name":"consumer_api"})";
  if (with_iam) {
    plugins = R"({"name":"iam","config":{"issuer":"notify-test","secret":"integration-test-secret-of-at-least-32-bytes",)"
              R"("usersFile":"users.json"}},)" +
              plugins;
  }
  const auto config = dir_->write(
      "host.json", R"({"http":{"host":"127.0.0.1","port":0},"notifications":)" + notifications +
                       R"(,"processModels":[")" + std::string(NOTIFY_SAMPLE_PROCESS) + R"("],"plugins":[)" + plugins +
                       "]}");
  host_ = std::make_unique<processhost::testing::HostProcess>(config);
  host_->start();
}

NotificationHost::~NotificationHost() { host_->stop(); }

Headers NotificationHost::auth(const std::string& token) const {
  Headers headers{{"Content-Type", "application/json"}};
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return headers;
}

std::string NotificationHost::login(const std::string& user, const std::string& password) const {
  if (!with_iam_) return {};
  const auto reply = processhost::testing::http_request(
      port(), "POST", "/iam/login", R"({"username":")" + user + R"(","password":")" + password + R"("})",
      {{"Content-Type", "application/json"}});
  if (reply.status != 200) throw std::runtime_error("login failed: " + reply.body);
  return parse(reply.body)["token"].GetString();
}

std::string NotificationHost::start_sample(const std::string& token, const std::string& correlation_id) const {
  const auto reply = processhost::testing::http_request(
      port(), "POST", "/api/consumer/v1/process_models/sample_process/start?start_callback_type=1",
      R"({"correlationId":")" + correlation_id + R"(","inputValues":{}})", auth(token));
  if (reply.status != 200) throw std::runtime_error("start failed: " + reply.body);
  return parse(reply.body)["processInstanceId"].GetString();
}

void NotificationHost::finish_user_task(const std::string& token, const std::string& instance_id,
                                        const std::string& correlation_id,
                                        const std::string& flow_node_instance_id) const {
  const auto reply = processhost::testing::http_request(
      port(), "POST",
      "/api/consumer/v1/processes/" + instance_id + "/correlations/" + correlation_id + "/usertasks/" +
          flow_node_instance_id + "/finish",
      R"({"formFields":{"TaskWasSuccessful":true}})", auth(token));
  if (reply.status != 204 && reply.status != 200) throw std::runtime_error("finish failed: " + reply.body);
}

std::string event_field(const std::string& packet, const std::string& field) {
  const auto document = parse(packet.substr(packet.find('[')));
  const auto& argument = document[1];
  if (!argument.HasMember(field.c_str())) return "<missing>";
  const auto& value = argument[field.c_str()];
  if (value.IsString()) return value.GetString();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

}  // namespace processhost::notifications_integration
