#pragma once
// The sample flow over the Consumer API (open mode, no IAM): start sample_process, list its
// user task, finish it, read the correlation result. Each call returns the HTTP status and
// the parsed body; a connection failure counts as status 0.

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "processhost/testing/http_client.hpp"

namespace processhost::test {

inline constexpr const char* kApi = "/api/consumer/v1";

struct WaitingUserTask {
  std::string process_instance_id;
  std::string correlation_id;
  std::string flow_node_instance_id;
};

class SampleFlowClient {
 public:
  explicit SampleFlowClient(std::uint16_t port) : port_(port) {}

  // Returns the status; on success the instance id is stored in process_instance_id.
  int start(const std::string& correlation_id, std::string* process_instance_id = nullptr) {
    auto reply = call("POST", std::string(kApi) + "/process_models/sample_process/start?start_callback_type=1",
                      R"({"correlationId":")" + correlation_id + R"(","inputValues":{}})");
    if (process_instance_id && reply.status / 100 == 2) {
      rapidjson::Document body;
      body.Parse(reply.body.c_str());
      if (body.IsObject() && body.HasMember("processInstanceId")) *process_instance_id = body["processInstanceId"].GetString();
    }
    return reply.status;
  }

  // The user tasks waiting in a correlation (or in every instance of the sample process).
  // The answer's status goes to status when given.
  std::optional<std::vector<WaitingUserTask>> user_tasks(const std::string& correlation_id = "", int* status = nullptr) {
    const std::string target = correlation_id.empty()
                                   ? std::string(kApi) + "/process_models/sample_process/user_tasks"
                                   : std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks";
    auto reply = call("GET", target, "");
    if (status) *status = reply.status;
    if (reply.status != 200) return std::nullopt;
    rapidjson::Document body;
    body.Parse(reply.body.c_str());
    if (!body.IsObject() || !body.HasMember("userTasks")) return std::nullopt;
    std::vector<WaitingUserTask> tasks;
    for (const auto& task : body["userTasks"].GetArray()) {
      tasks.push_back({task["processInstanceId"].GetString(), task["correlationId"].GetString(),
                       task["flowNodeInstanceId"].GetString()});
    }
    return tasks;
  }

  int finish(const WaitingUserTask& task, bool successful = true) {
    return call("POST",
                std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                    task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                std::string(R"({"formFields":{"TaskWasSuccessful":)") + (successful ? "true" : "false") + "}}")
        .status;
  }

  // The correlation's results as JSON text of the "correlationResults" array, or nullopt.
  std::optional<std::string> results(const std::string& correlation_id, int* status = nullptr) {
    auto reply =
        call("GET", std::string(kApi) + "/correlations/" + correlation_id + "/process_models/sample_process/results", "");
    if (status) *status = reply.status;
    if (reply.status != 200) return std::nullopt;
    return reply.body;
  }

 private:
  testing::HttpReply call(const std::string& method, const std::string& target, const std::string& body) {
    try {
      if (!client_) client_ = std::make_unique<testing::HttpClient>(port_);
      return client_->request(method, target, body, {{"Content-Type", "application/json"}});
    } catch (const testing::HttpClientError&) {
      client_.reset();
      return {};
    }
  }

  std::uint16_t port_;
  std::unique_ptr<testing::HttpClient> client_;
};

// The number of entries in a results body and whether each carries TaskWasSuccessful = expected.
inline std::size_t count_results(const std::string& body, bool expected, bool* all_match) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  *all_match = true;
  if (!document.IsObject() || !document.HasMember("correlationResults")) {
    *all_match = false;
    return 0;
  }
  const auto& results = document["correlationResults"];
  for (const auto& result : results.GetArray()) {
    const auto& payload = result["tokenPayload"];
    const bool matches = payload.IsObject() && payload.HasMember("form_fields") &&
                         payload["form_fields"].HasMember("TaskWasSuccessful") &&
                         payload["form_fields"]["TaskWasSuccessful"].IsBool() &&
                         payload["form_fields"]["TaskWasSuccessful"].GetBool() == expected;
    *all_match = *all_match && matches && std::string(result["endEventId"].GetString()) == "EndEvent_Success";
  }
  return results.Size();
}

}  // namespace processhost::test
