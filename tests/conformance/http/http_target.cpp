// The HTTP mode: the real host binary with pg_store, iam, consumer_api and the
// conformance_services fixture plugin, in a database of its own on the shared test cluster.
// Built with PROCESSHOST_CONFORMANCE_HOSTS=N (the http_cluster mode), N such hosts share the
// database and every request goes to the next host in turn, as behind a round-robin load
// balancer (docs/cluster.md).
// Every action goes through the Consumer API as the test user defaultUser (logged in through
// /iam/login); what the API does not show (an instance's state and error, when a result was
// recorded) is read from the store's tables, where pg_store put it.
#include <cctype>
#include <cstdio>
#include <memory>

#include <pqxx/pqxx>

#include "case_target_factory.hpp"
#include "json_match.hpp"
#include "processhost/json.hpp"
#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::conformance {
namespace {

using testing::HttpReply;

constexpr const char* kApi = "/api/consumer/v1";

#ifndef PROCESSHOST_CONFORMANCE_HOSTS
#define PROCESSHOST_CONFORMANCE_HOSTS 1
#endif
constexpr std::size_t kHosts = PROCESSHOST_CONFORMANCE_HOSTS;

// defaultUser as the corpus README defines it (not Restricted_Lane), with the claims the
// Consumer API asks for its routes; the password is "admin-pass".
constexpr const char* kUsers = R"json({"users": [{
  "username": "defaultUser", "userId": "defaultUser",
  "passwordHash": "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs",
  "claims": ["Default_Test_Lane", "LaneA", "LaneB", "LaneC", "can_read_process_model", "can_trigger_messages",
             "can_trigger_signals", "can_access_external_tasks"]}]})json";
constexpr const char* kIam =
    R"json({"issuer": "conformance", "secret": "conformance-signing-secret-of-32-bytes-at-least",
  "usersFile": "users.json"})json";

std::string percent_encode(std::string_view text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", c);
      encoded += escape;
    }
  }
  return encoded;
}

rapidjson::Document parse_body(const HttpReply& reply) {
  rapidjson::Document document;
  if (auto error = json_parse(reply.body, document)) {
    throw CaseFailure("the host answered " + std::to_string(reply.status) +
                      " with a body that is not JSON: " + reply.body);
  }
  return document;
}

// The API's error body as an Error with the response's status.
Error error_of(const HttpReply& reply) {
  rapidjson::Document body;
  std::string message = reply.body;
  if (!json_parse(reply.body, body) && body.IsObject() && body.HasMember("message") && body["message"].IsString()) {
    message = body["message"].GetString();
  }
  return make_error(static_cast<ErrorStatus>(reply.status), message);
}

std::string text(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : std::string();
}

// A member as JSON text; empty when absent.
std::optional<JsonText> json_member(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  if (found == object.MemberEnd()) return std::nullopt;
  return json_text(found->value);
}

// The Consumer API's paths and list member for one kind of task.
struct TaskRoutes {
  const char* list_segment;
  const char* list_member;
  const char* finish_segment;
};

TaskRoutes routes_of(TaskKind kind) {
  switch (kind) {
    case TaskKind::manual_task:
      return {"manual_tasks", "manualTasks", "manual_tasks"};
    case TaskKind::empty_activity:
      return {"empty_activities", "emptyActivities", "empty_activities"};
    case TaskKind::user_task:
      break;
  }
  return {"user_tasks", "userTasks", "usertasks"};
}

WaitingTask task_of(const rapidjson::Value& item, TaskKind kind) {
  WaitingTask task;
  task.kind = kind;
  task.flow_node_id = text(item, "id");
  task.name = text(item, "name");
  task.flow_node_instance_id = text(item, "flowNodeInstanceId");
  task.correlation_id = text(item, "correlationId");
  task.process_model_id = text(item, "processModelId");
  task.process_instance_id = text(item, "processInstanceId");
  auto data = item.FindMember("data");
  if (data == item.MemberEnd() || !data->value.IsObject()) return task;
  auto fields = data->value.FindMember("formFields");
  if (fields == data->value.MemberEnd() || !fields->value.IsArray()) return task;
  for (const auto& field : fields->value.GetArray()) {
    FormField form_field;
    form_field.id = text(field, "id");
    form_field.type = text(field, "type");
    form_field.label = json_member(field, "label");
    form_field.default_value = json_member(field, "defaultValue");
    task.user_task.form_fields.push_back(std::move(form_field));
  }
  return task;
}

class HttpTarget final : public CaseTarget {
 public:
  HttpTarget(const Corpus& corpus, const rapidjson::Value& test_case)
      : cluster_(test::shared_postgres_cluster()), database_(test::unique_database_name("conformance")) {
    cluster_.create_database(database_);
    try {
      start_host(corpus, test_case);
    } catch (...) {
      cluster_.drop_database(database_);
      throw;
    }
  }

  ~HttpTarget() override {
    clients_.clear();
    database_connection_.reset();
    for (auto& host : hosts_) host->stop();
    try {
      cluster_.drop_database(database_);
    } catch (const std::exception&) {
      // Left behind: the shared cluster is destroyed at the end of the run anyway.
    }
  }

  Result<StartResult> start(const StartRequest& request) override {
    std::string target =
        api("/process_models/" + percent_encode(request.process_model_id) + "/start?start_callback_type=1");
    if (request.start_event_id) target += "&start_event_id=" + percent_encode(*request.start_event_id);
    std::string body = "{\"correlationId\":" + json_quote(request.correlation_id.value_or(""));
    if (request.input_values) body += ",\"inputValues\":" + *request.input_values;
    auto reply = call("POST", target, body + "}");
    if (reply.status != 200) return error_of(reply);
    auto answer = parse_body(reply);
    return StartResult{text(answer, "correlationId"), text(answer, "processInstanceId"), std::nullopt, std::nullopt};
  }

  Result<std::vector<WaitingTask>> waiting_tasks(TaskKind kind, const std::string& correlation_id,
                                                 const std::optional<std::string>& process_model_id) override {
    std::string path = "/correlations/" + percent_encode(correlation_id) + "/" + routes_of(kind).list_segment;
    if (process_model_id) path = "/process_models/" + percent_encode(*process_model_id) + path;
    auto reply = call("GET", api(path));
    if (reply.status != 200) return error_of(reply);
    auto answer = parse_body(reply);
    std::vector<WaitingTask> tasks;
    for (const auto& item : answer[routes_of(kind).list_member].GetArray()) tasks.push_back(task_of(item, kind));
    return tasks;
  }

  Status finish_task(const FinishTaskRequest& request) override {
    const std::string path = "/processes/" + percent_encode(request.process_instance_id) + "/correlations/" +
                             percent_encode(request.correlation_id) + "/" + routes_of(request.kind).finish_segment +
                             "/" + percent_encode(request.flow_node_instance_id) + "/finish";
    const std::string body = request.kind == TaskKind::user_task ? "{\"formFields\":" + request.result + "}" : "{}";
    auto reply = call("POST", api(path), body);
    if (reply.status != 204) return error_of(reply);
    return Ok{};
  }

  Result<std::vector<CorrelationResult>> correlation_results(const std::string& correlation_id,
                                                             const std::string& process_model_id) override {
    auto reply = call("GET", api("/correlations/" + percent_encode(correlation_id) + "/process_models/" +
                                 percent_encode(process_model_id) + "/results"));
    if (reply.status != 200) return error_of(reply);
    auto answer = parse_body(reply);
    std::vector<CorrelationResult> results;
    for (const auto& item : answer["correlationResults"].GetArray()) {
      results.push_back(
          {text(item, "correlationId"), text(item, "endEventId"), json_member(item, "tokenPayload").value_or("null")});
    }
    return results;
  }

  std::vector<std::pair<std::string, std::int64_t>> result_times(const std::string& correlation_id,
                                                                 const std::string& process_model_id) override {
    std::vector<std::pair<std::string, std::int64_t>> times;
    for (const auto& row : query("SELECT end_event_id, created_at_ms FROM processhost_correlation_results "
                                 "WHERE correlation_id = $1 AND process_model_id = $2 ORDER BY seq",
                                 correlation_id, process_model_id)) {
      times.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>());
    }
    return times;
  }

  std::optional<InstanceSnapshot> instance(const std::string& process_instance_id) override {
    auto rows = query("SELECT id, correlation_id, state, error::text FROM processhost_process_instances WHERE id = $1",
                      process_instance_id);
    if (rows.empty()) return std::nullopt;
    return snapshot_of(rows[0]);
  }

  std::optional<InstanceSnapshot> first_instance(const std::string& process_model_id,
                                                 const std::optional<std::string>& correlation_id) override {
    const std::string select =
        "SELECT id, correlation_id, state, error::text FROM processhost_process_instances WHERE process_model_id = $1";
    constexpr const char* kFirst = " ORDER BY created_at_ms, id LIMIT 1";
    auto rows = correlation_id ? query(select + " AND correlation_id = $2" + kFirst, process_model_id, *correlation_id)
                               : query(select + kFirst, process_model_id);
    if (rows.empty()) return std::nullopt;
    return snapshot_of(rows[0]);
  }

  // The Consumer API's trigger route carries no correlation.
  Status trigger(EventKind kind, const std::string& name, const std::optional<JsonText>& payload,
                 const std::string&) override {
    const std::string path =
        std::string(kind == EventKind::message ? "/message/" : "/signal/") + percent_encode(name) + "/trigger";
    auto reply = call("POST", api(path), payload.value_or(""));
    if (reply.status != 204) return error_of(reply);
    return Ok{};
  }
  bool trigger_carries_correlation() const override { return false; }

  Result<std::vector<WaitingEvent>> waiting_events(const std::string& correlation_id) override {
    auto reply = call("GET", api("/correlations/" + percent_encode(correlation_id) + "/events"));
    if (reply.status != 200) return error_of(reply);
    auto answer = parse_body(reply);
    std::vector<WaitingEvent> events;
    for (const auto& item : answer["events"].GetArray()) {
      WaitingEvent event;
      event.flow_node_id = text(item, "id");
      event.flow_node_instance_id = text(item, "flowNodeInstanceId");
      event.event_name = text(item, "eventName");
      events.push_back(std::move(event));
    }
    return events;
  }

  // Every host's: each records what its own instances sent.
  std::vector<SentEvent> sent_events() override {
    std::vector<SentEvent> sent;
    for (std::size_t host = 0; host < hosts_.size(); ++host) {
      auto reply = call_host(host, "GET", "/conformance/sent_events");
      if (reply.status != 200) {
        throw CaseFailure("GET /conformance/sent_events answered " + std::to_string(reply.status));
      }
      auto answer = parse_body(reply);
      for (const auto& item : answer.GetArray()) sent.push_back({text(item, "kind"), json_text(item["payload"])});
    }
    return sent;
  }

  Result<std::vector<ExternalTask>> fetch_and_lock(const FetchAndLockRequest& request) override {
    const std::string body = "{\"workerId\":" + json_quote(request.worker_id) +
                             ",\"topicName\":" + json_quote(request.topic) +
                             ",\"maxTasks\":" + std::to_string(request.max_tasks) +
                             ",\"longPollingTimeout\":" + std::to_string(request.long_polling_timeout_ms) +
                             ",\"lockDuration\":" + std::to_string(request.lock_duration_ms) + "}";
    auto reply = call("POST", api("/fetch_and_lock"), body);
    if (reply.status != 200) return error_of(reply);
    auto answer = parse_body(reply);
    std::vector<ExternalTask> tasks;
    for (const auto& item : answer.GetArray()) {
      ExternalTask task;
      task.id = text(item, "id");
      task.topic = text(item, "topic");
      task.payload = json_member(item, "payload").value_or("null");
      tasks.push_back(std::move(task));
    }
    return tasks;
  }

  Status complete_external_task(const std::string& external_task_id, const ExternalTaskOutcome& outcome) override {
    const std::string body = "{\"workerId\":" + json_quote(outcome.worker_id) + ",\"result\":" + outcome.result + "}";
    auto reply = call("POST", api("/task/" + percent_encode(external_task_id) + "/finish"), body);
    if (reply.status != 204) return error_of(reply);
    return Ok{};
  }

 private:
  void start_host(const Corpus& corpus, const rapidjson::Value& test_case) {
    std::string models = json_quote((corpus.directory / test_case["bpmn"].GetString()).string());
    if (auto extra = test_case.FindMember("extraBpmn"); extra != test_case.MemberEnd()) {
      for (const auto& path : extra->value.GetArray()) {
        models += "," + json_quote((corpus.directory / path.GetString()).string());
      }
    }
    dir_.write("users.json", kUsers);
    dir_.write("iam.json", kIam);
    dir_.write("postgres.json",
               "{\"host\":" + json_quote(cluster_.host()) + ",\"port\":" + std::to_string(cluster_.port()) +
                   ",\"database\":" + json_quote(database_) + ",\"user\":" + json_quote(cluster_.user()) + "}");
    const auto config = dir_.write(
        "host.json",
        R"({"http":{"host":"127.0.0.1","port":0},"processModels":[)" + models +
            R"(],"plugins":[{"name":"pg_store","config":"postgres.json"},{"name":"iam","config":"iam.json"},)"
            R"({"name":"consumer_api"},{"name":"conformance_services","library":")" +
            std::string(PROCESSHOST_CONFORMANCE_SERVICES_PLUGIN) + R"("}]})");
    for (std::size_t host = 0; host < kHosts; ++host) {
      hosts_.push_back(std::make_unique<testing::HostProcess>(config));
      try {
        hosts_.back()->start();
      } catch (const std::exception& failure) {
        throw CaseFailure(std::string("the host did not start: ") + failure.what());
      }
      clients_.push_back(
          std::make_unique<testing::HttpClient>(hosts_.back()->port(), "127.0.0.1", std::chrono::seconds(30)));
    }
    // One login: every host checks the token with the same key.
    auto login = clients_.front()->post("/iam/login", R"({"username":"defaultUser","password":"admin-pass"})");
    if (login.status != 200) throw CaseFailure("login failed (" + std::to_string(login.status) + "): " + login.body);
    authorization_ = "Bearer " + text(parse_body(login), "token");
    database_connection_ = std::make_unique<pqxx::connection>(cluster_.url(database_));
  }

  static std::string api(const std::string& path) { return kApi + path; }

  // The next host in turn answers.
  HttpReply call(std::string_view method, const std::string& target, std::string_view body = {}) {
    const std::size_t host = next_host_;
    next_host_ = (next_host_ + 1) % hosts_.size();
    return call_host(host, method, target, body);
  }

  HttpReply call_host(std::size_t host, std::string_view method, const std::string& target,
                      std::string_view body = {}) {
    try {
      testing::Headers headers{{"Authorization", authorization_}};
      if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
      return clients_.at(host)->request(method, target, body, headers);
    } catch (const testing::HttpClientError& error) {
      throw CaseFailure(std::string(method) + " " + target + " failed on host " + std::to_string(host) + ": " +
                        error.what() + "\nhost output:\n" + hosts_.at(host)->output());
    }
  }

  template <class... Params>
  pqxx::result query(const std::string& sql, Params&&... params) {
    pqxx::nontransaction read(*database_connection_);
    return read.exec_params(sql, std::forward<Params>(params)...);
  }

  static InstanceSnapshot snapshot_of(const pqxx::row& row) {
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
  }

  test::PostgresCluster& cluster_;
  std::string database_;
  testing::TempDir dir_;
  std::vector<std::unique_ptr<testing::HostProcess>> hosts_;
  std::vector<std::unique_ptr<testing::HttpClient>> clients_;
  std::size_t next_host_ = 0;
  std::unique_ptr<pqxx::connection> database_connection_;
  std::string authorization_;
};

}  // namespace

std::unique_ptr<CaseTarget> make_case_target(const Corpus& corpus, const rapidjson::Value& test_case) {
  return std::make_unique<HttpTarget>(corpus, test_case);
}

}  // namespace processhost::conformance
