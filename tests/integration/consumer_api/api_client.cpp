#include "api_client.hpp"

#include <thread>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::consumer_api_integration {
namespace {

// sampleUser/pass as in the demo; admin/admin-pass holds every claim and both lanes;
// nobody/nobody-pass holds none. Test hashes use small Argon2id limits to keep logins fast.
constexpr const char* kUsers = R"json({
  "users": [
    {"username": "sampleUser", "userId": "sampleUser",
     "passwordHash": "$argon2id$v=19$m=65536,t=2,p=1$02l1aBrQuGm4E0kKWtNcaA$WHf0/gecuciymwFsjc3BwIq57Yi817w8jfhceaDrRdo",
     "claims": ["sample_lane", "can_read_process_model"]},
    {"username": "admin", "userId": "admin",
     "passwordHash": "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs",
     "claims": ["sample_lane", "restricted_lane", "can_read_process_model", "can_trigger_messages",
                "can_trigger_signals", "can_access_external_tasks"]},
    {"username": "nobody", "userId": "nobody",
     "passwordHash": "$argon2id$v=19$m=8,t=1,p=1$ARSRxbrwJQQoNxehH1uE/Q$EZuR98VKAVyqGcButI/zTgaF0gVZ/9PI4ZS4urTX1lI",
     "claims": []}
  ]
})json";

std::string host_config(bool with_iam, const std::vector<std::string>& files) {
  std::string models;
  for (const auto& file : files) models += (models.empty() ? "\"" : ",\"") + file + "\"";
  std::string plugins = R"({"name":"consumer_api"})";
  if (with_iam) {
    plugins = R"({"name":"iam","config":{"issuer":"capi-test","secret":"integration-test-secret-of-at-least-32-bytes",)"
              R"("usersFile":"users.json","loginThrottle":{"address":{"maxFailures":1000,"windowSeconds":60}}}},)" +
              plugins;
  }
  return R"({"http":{"host":"127.0.0.1","port":0},"log":{"level":"info"},"processModels":[)" + models +
         R"(],"plugins":[)" + plugins + "]}";
}

}  // namespace

std::string model_file(const std::string& name) { return std::string(CAPI_MODELS_DIR) + "/" + name + ".bpmn"; }

std::vector<std::string> model_files() {
  return {CAPI_SAMPLE_PROCESS, model_file("capi_tasks"), model_file("capi_lanes"), model_file("capi_starts"),
          model_file("capi_restricted")};
}

RunningHost::RunningHost(bool with_iam, std::vector<std::string> models)
    : dir_(std::make_unique<processhost::testing::TempDir>()) {
  dir_->write("users.json", kUsers);
  auto config = dir_->write("host.json", host_config(with_iam, models));
  host_ = std::make_unique<processhost::testing::HostProcess>(config);
  host_->start();
}

RunningHost::~RunningHost() { host_->stop(); }

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  if (document.HasParseError()) ADD_FAILURE() << "not JSON (status " << reply.status << "): " << reply.body;
  return document;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

std::vector<std::string> keys(const rapidjson::Value& object) {
  std::vector<std::string> names;
  if (!object.IsObject()) return names;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) names.emplace_back(it->name.GetString());
  return names;
}

bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

HttpReply get(std::uint16_t port, const std::string& path, const Headers& headers) {
  return processhost::testing::http_request(port, "GET", kBase + path, {}, headers);
}

HttpReply post(std::uint16_t port, const std::string& path, const std::string& body, const Headers& headers) {
  Headers all = headers;
  all.emplace_back("Content-Type", "application/json");
  return processhost::testing::http_request(port, "POST", kBase + path, body, all);
}

HttpReply wait_for_items(std::uint16_t port, const std::string& path, const char* member, std::size_t count,
                         const Headers& headers) {
  HttpReply reply;
  eventually([&] {
    reply = get(port, path, headers);
    if (reply.status != 200) return false;
    rapidjson::Document document;
    document.Parse(reply.body.c_str());
    return !document.HasParseError() && document.HasMember(member) && document[member].IsArray() &&
           document[member].Size() >= count;
  });
  return reply;
}

}  // namespace processhost::consumer_api_integration
