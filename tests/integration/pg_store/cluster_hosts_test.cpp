// Two real hosts (consumer_api, pg_store) on one PostgreSQL database, each with its own cache:
// whichever host serves a request, it acts on the instance as the store holds it
// (docs/cluster.md). Each scenario advances an instance on one host and then on the other,
// the order in which a host's cached state is behind the store.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using testing::HostProcess;
using testing::TempDir;

constexpr const char* kApi = "/api/consumer/v1";

std::string model_xml(const std::string& process_id, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id=")" +
         process_id + R"(_definitions">
  <bpmn:process id=")" + process_id + R"(" isExecutable="true">)" + body + R"(
  </bpmn:process>
  <bpmn:signal id="Signal_go" name="cluster_go"/>
</bpmn:definitions>
)";
}

// Start -> Step1 -> Step2 -> signal cluster_go -> Step3 -> End.
const std::string kStepsModel = model_xml("cluster_steps", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id="Step1"/>
    <bpmn:userTask id="Step2"/>
    <bpmn:intermediateCatchEvent id="WaitGo"><bpmn:signalEventDefinition signalRef="Signal_go"/></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Step3"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Step1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Step1" targetRef="Step2"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Step2" targetRef="WaitGo"/>
    <bpmn:sequenceFlow id="f4" sourceRef="WaitGo" targetRef="Step3"/>
    <bpmn:sequenceFlow id="f5" sourceRef="Step3" targetRef="End"/>)");

// Start -> external task (cluster_a) -> external task (cluster_b) -> End.
const std::string kExternalModel = model_xml("cluster_external", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:serviceTask id="ExtA" camunda:type="external" camunda:topic="cluster_a"/>
    <bpmn:serviceTask id="ExtB" camunda:type="external" camunda:topic="cluster_b"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="ExtA"/>
    <bpmn:sequenceFlow id="f2" sourceRef="ExtA" targetRef="ExtB"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ExtB" targetRef="End"/>)");

// One user task, named after the version: v1 on the first host, v2 on the second.
std::string one_task_model(const std::string& process_id, const std::string& task_id) {
  return model_xml(process_id, R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id=")" + task_id + R"("/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef=")" + task_id + R"("/>
    <bpmn:sequenceFlow id="f2" sourceRef=")" + task_id + R"(" targetRef="End"/>)");
}

struct UserTask {
  std::string id;  // BPMN id
  std::string process_instance_id;
  std::string correlation_id;
  std::string flow_node_instance_id;
};

class Api {
 public:
  explicit Api(const HostProcess& host) : port_(host.port()) {}

  testing::HttpReply call(const std::string& method, const std::string& target, const std::string& body = "") {
    return testing::http_request(port_, method, target, body, {{"Content-Type", "application/json"}});
  }

  // The new instance's id; empty when the start was refused (status in *status).
  std::string start(const std::string& model, const std::string& correlation_id, int* status = nullptr) {
    auto reply = call("POST", std::string(kApi) + "/process_models/" + model + "/start?start_callback_type=1",
                      R"({"correlationId":")" + correlation_id + R"(","inputValues":{}})");
    if (status) *status = reply.status;
    rapidjson::Document body;
    body.Parse(reply.body.c_str());
    if (reply.status / 100 != 2 || !body.IsObject() || !body.HasMember("processInstanceId")) return "";
    return body["processInstanceId"].GetString();
  }

  std::vector<UserTask> user_tasks(const std::string& correlation_id) {
    auto reply = call("GET", std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks");
    std::vector<UserTask> tasks;
    rapidjson::Document body;
    body.Parse(reply.body.c_str());
    if (reply.status != 200 || !body.IsObject() || !body.HasMember("userTasks")) return tasks;
    for (const auto& task : body["userTasks"].GetArray()) {
      tasks.push_back({task["id"].GetString(), task["processInstanceId"].GetString(), task["correlationId"].GetString(),
                       task["flowNodeInstanceId"].GetString()});
    }
    return tasks;
  }

  int finish(const UserTask& task) {
    return call("POST", std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                            task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                R"({"formFields":{}})")
        .status;
  }

  // Locks one task of topic; its id, or empty.
  std::string fetch_one(const std::string& topic) {
    auto reply = call("POST", std::string(kApi) + "/fetch_and_lock",
                      R"({"workerId":"cluster_worker","topicName":")" + topic +
                          R"(","maxTasks":1,"longPollingTimeout":0,"lockDuration":60000})");
    rapidjson::Document body;
    body.Parse(reply.body.c_str());
    if (reply.status != 200 || !body.IsArray() || body.Empty()) return "";
    return body[0]["id"].GetString();
  }

  int finish_external(const std::string& task_id) {
    return call("POST", std::string(kApi) + "/task/" + task_id + "/finish",
                R"({"workerId":"cluster_worker","result":{"done":true}})")
        .status;
  }

 private:
  std::uint16_t port_;
};

// Polls until check holds or 20 s passed; bounds a wait, measures nothing.
bool eventually(const std::function<bool()>& check) {
  for (const auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
    if (check()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return check();
}

// The one user task waiting in a correlation, or a task with an empty id.
UserTask only_task(Api& api, const std::string& correlation_id) {
  auto tasks = api.user_tasks(correlation_id);
  return tasks.size() == 1 ? tasks.front() : UserTask{};
}

class TwoHostsOneDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = shared_postgres_cluster();
    database_ = unique_database_name("cluster");
    const auto steps = dir_.write("models/steps.bpmn", kStepsModel);
    const auto external = dir_.write("models/external.bpmn", kExternalModel);
    const auto skew_v1 = dir_.write("models/skew_v1.bpmn", one_task_model("cluster_skew", "TaskV1"));
    const auto skew_v2 = dir_.write("models/skew_v2.bpmn", one_task_model("cluster_skew", "TaskV2"));
    const auto only_b = dir_.write("models/only_b.bpmn", one_task_model("cluster_only_b", "OnlyB"));
    auto config = [&](const std::string& name, const std::vector<std::filesystem::path>& models) {
      std::string list;
      for (const auto& model : models) list += (list.empty() ? "\"" : ",\"") + model.string() + "\"";
      return dir_.write(name, R"({"http":{"host":"127.0.0.1","port":0},"processModels":[)" + list +
                                  R"(],"plugins":[{"name":"pg_store","config":{"host":"127.0.0.1","port":)" +
                                  std::to_string(cluster.port()) + R"(,"database":")" + database_ +
                                  R"(","user":"postgres","poolSize":4,"connectTimeoutSeconds":2}},{"name":"consumer_api"}]})");
    };
    // a deploys v1 of cluster_skew; b, started after it, deploys v2 and a model a never saw.
    a_ = std::make_unique<HostProcess>(config("a.json", {steps, external, skew_v1}));
    a_->start();
    b_ = std::make_unique<HostProcess>(config("b.json", {steps, external, skew_v2, only_b}));
    b_->start();
  }

  void TearDown() override {
    if (a_) {
      EXPECT_EQ(a_->stop(15s, SIGTERM), 0);
    }
    if (b_) {
      EXPECT_EQ(b_->stop(15s, SIGTERM), 0);
    }
    shared_postgres_cluster().drop_database(database_);
  }

  TempDir dir_;
  std::string database_;
  std::unique_ptr<HostProcess> a_;
  std::unique_ptr<HostProcess> b_;
};

// a caches the instance at Step1; b finishes Step1; a finishes Step2. A second finish of
// Step1 on a (whose cache still shows it waiting) is refused and changes nothing.
TEST_F(TwoHostsOneDatabase, AStepOnOneHostThenTheNextOnTheOther) {
  Api a(*a_), b(*b_);
  for (const std::string correlation_id : {"steps-next", "steps-again"}) {
    ASSERT_FALSE(a.start("cluster_steps", correlation_id).empty()) << correlation_id;
    const UserTask step1 = only_task(a, correlation_id);
    ASSERT_EQ(step1.id, "Step1") << correlation_id;
    ASSERT_EQ(b.finish(step1), 204) << correlation_id;
    if (correlation_id == "steps-again") {
      EXPECT_EQ(a.finish(step1), 404) << "a task finished on the other host is not waiting";
      const UserTask still = only_task(b, correlation_id);
      EXPECT_EQ(still.id, "Step2") << "the refused finish changed the instance";
      continue;
    }
    const UserTask step2 = only_task(b, correlation_id);
    ASSERT_EQ(step2.id, "Step2");
    EXPECT_EQ(a.finish(step2), 204) << "a's cached state is behind the store";
    EXPECT_TRUE(a.user_tasks(correlation_id).empty()) << "the instance waits for the signal now";
  }
}

// The first external task is finished via b, the next one via a (which started the instance
// and cached it at the first).
TEST_F(TwoHostsOneDatabase, AnExternalTaskFinishedOnOneHostItsSuccessorOnTheOther) {
  Api a(*a_), b(*b_);
  const std::string instance_id = a.start("cluster_external", "external-1");
  ASSERT_FALSE(instance_id.empty());
  std::string first;
  ASSERT_TRUE(eventually([&] { return !(first = a.fetch_one("cluster_a")).empty(); }));
  ASSERT_EQ(b.finish_external(first), 204);
  std::string second;
  ASSERT_TRUE(eventually([&] { return !(second = b.fetch_one("cluster_b")).empty(); }));
  EXPECT_EQ(a.finish_external(second), 204) << "a's cache still shows the first task waiting";
  EXPECT_EQ(a.finish_external(first), 410) << "a finished task stays finished";
  auto results = [&] {
    return a.call("GET", std::string(kApi) + "/correlations/external-1/process_models/cluster_external/results");
  };
  ASSERT_TRUE(eventually([&] { return results().body.find("\"End\"") != std::string::npos; }))
      << results().body;
}

// Five instances cached on a at Step2 wait for the signal after b finished Step2: a signal
// sent to a continues all five.
TEST_F(TwoHostsOneDatabase, ASignalSentToAStaleHostContinuesEveryWaitingInstance) {
  Api a(*a_), b(*b_);
  constexpr int kInstances = 5;
  auto correlation = [](int i) { return "signal-" + std::to_string(i); };
  for (int i = 0; i < kInstances; ++i) {
    ASSERT_FALSE(a.start("cluster_steps", correlation(i)).empty());
    const UserTask step1 = only_task(a, correlation(i));
    ASSERT_EQ(step1.id, "Step1");
    ASSERT_EQ(a.finish(step1), 204);
    const UserTask step2 = only_task(a, correlation(i));
    ASSERT_EQ(step2.id, "Step2");
    ASSERT_EQ(b.finish(step2), 204);
    ASSERT_TRUE(a.user_tasks(correlation(i)).empty()) << correlation(i);
  }
  ASSERT_EQ(a.call("POST", std::string(kApi) + "/signal/cluster_go/trigger", R"({"currentToken":{}})").status, 204);
  for (int i = 0; i < kInstances; ++i) {
    EXPECT_TRUE(eventually([&] { return only_task(b, correlation(i)).id == "Step3"; }))
        << correlation(i) << " did not continue";
  }
}

// b deployed cluster_skew v2 after a deployed v1, and cluster_only_b that a never saw: a
// advances b's v2 instance, then starts v2 itself, and starts cluster_only_b.
TEST_F(TwoHostsOneDatabase, AModelDeployedOnOneHostRunsOnTheOther) {
  Api a(*a_), b(*b_);
  ASSERT_FALSE(b.start("cluster_skew", "skew-on-b").empty());
  const UserTask v2_task = only_task(b, "skew-on-b");
  ASSERT_EQ(v2_task.id, "TaskV2");
  EXPECT_EQ(a.finish(v2_task), 204) << "a lacked the version the instance runs";
  EXPECT_TRUE(eventually([&] { return a.user_tasks("skew-on-b").empty(); }));

  ASSERT_FALSE(a.start("cluster_skew", "skew-on-a").empty());
  EXPECT_EQ(only_task(a, "skew-on-a").id, "TaskV2") << "the store's latest deployment is v2";

  int status = 0;
  ASSERT_FALSE(a.start("cluster_only_b", "only-b-on-a", &status).empty()) << status;
  const UserTask only_b = only_task(a, "only-b-on-a");
  ASSERT_EQ(only_b.id, "OnlyB");
  EXPECT_EQ(a.finish(only_b), 204);
  EXPECT_EQ(a.start("cluster_never_deployed", "never", &status), "");
  EXPECT_EQ(status, 404);
}

}  // namespace
}  // namespace processhost::test
