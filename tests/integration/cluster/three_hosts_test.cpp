// Three real hosts (pg_store, consumer_api, management_api) on one PostgreSQL database, every
// request of a scenario sent to the next host, as a round-robin load balancer does
// (docs/cluster.md). Each host caches instances, holds waiting requests and keeps a model
// registry of its own: these tests check that whichever host serves a request, it acts on
// what the store holds, and that waiting requests on one host answer when another host
// commits what they wait for.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_cluster.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using testing::HostCluster;
using testing::HostClusterOptions;
using testing::HttpReply;
using testing::RoundRobinClient;

constexpr const char* kApi = "/api/consumer/v1";
constexpr const char* kManagement = "/api/management/v1";

std::string model_xml(const std::string& process_id, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id=")" +
         process_id + R"(_definitions">
  <bpmn:process id=")" + process_id + R"(" isExecutable="true">)" + body + R"(
  </bpmn:process>
  <bpmn:signal id="Signal_go" name="three_go"/>
</bpmn:definitions>
)";
}

// Start -> Step1 -> Step2 -> Step3 -> End.
const std::string kThreeSteps = model_xml("three_steps", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id="Step1"/>
    <bpmn:userTask id="Step2"/>
    <bpmn:userTask id="Step3"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Step1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Step1" targetRef="Step2"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Step2" targetRef="Step3"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Step3" targetRef="End"/>)");

// Start -> Step1 -> signal three_go -> Step2 -> End.
const std::string kSignalWait = model_xml("three_signal", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id="Step1"/>
    <bpmn:intermediateCatchEvent id="WaitGo"><bpmn:signalEventDefinition signalRef="Signal_go"/></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Step2"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Step1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Step1" targetRef="WaitGo"/>
    <bpmn:sequenceFlow id="f3" sourceRef="WaitGo" targetRef="Step2"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Step2" targetRef="End"/>)");

// Start -> external task (three_a) -> external task (three_b) -> End.
const std::string kExternal = model_xml("three_external", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:serviceTask id="ExtA" camunda:type="external" camunda:topic="three_a"/>
    <bpmn:serviceTask id="ExtB" camunda:type="external" camunda:topic="three_b"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="ExtA"/>
    <bpmn:sequenceFlow id="f2" sourceRef="ExtA" targetRef="ExtB"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ExtB" targetRef="End"/>)");

// Start -> Task -> parallel: EndEarly, and Later -> EndLate.
const std::string kTwoEnds = model_xml("three_ends", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id="Task"/>
    <bpmn:parallelGateway id="Split"/>
    <bpmn:endEvent id="EndEarly"/>
    <bpmn:userTask id="Later"/>
    <bpmn:endEvent id="EndLate"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Task" targetRef="Split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Split" targetRef="EndEarly"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Split" targetRef="Later"/>
    <bpmn:sequenceFlow id="f5" sourceRef="Later" targetRef="EndLate"/>)");

// Start -> 3 s timer -> AfterTimer (user task) -> End.
const std::string kTimer = model_xml("three_timer", R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT3S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="AfterTimer"/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="AfterTimer"/>
    <bpmn:sequenceFlow id="f3" sourceRef="AfterTimer" targetRef="End"/>)");

// One user task named after the version.
std::string versioned_model(const std::string& process_id, const std::string& task_id) {
  return model_xml(process_id, R"(
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id=")" + task_id + R"("/>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef=")" + task_id + R"("/>
    <bpmn:sequenceFlow id="f2" sourceRef=")" + task_id + R"(" targetRef="End"/>)");
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  return document;
}

struct UserTask {
  std::string id;  // BPMN id
  std::string process_instance_id;
  std::string correlation_id;
  std::string flow_node_instance_id;
};

// The Consumer and Management API calls of the scenarios, each through the round-robin client
// (the next host) unless a host is named.
class Api {
 public:
  explicit Api(RoundRobinClient& client) : client_(client) {}

  HttpReply call(const std::string& method, const std::string& target, const std::string& body = "") {
    return client_.request(method, target, body);
  }

  std::string start_target(const std::string& model, int callback_type, const std::string& end_event = "") {
    std::string target = std::string(kApi) + "/process_models/" + model +
                         "/start?start_callback_type=" + std::to_string(callback_type);
    if (!end_event.empty()) target += "&end_event_id=" + end_event;
    return target;
  }

  static std::string start_body(const std::string& correlation_id) {
    return R"({"correlationId":")" + correlation_id + R"(","inputValues":{}})";
  }

  // The new instance's id; empty when the start was refused (status in *status).
  std::string start(const std::string& model, const std::string& correlation_id, int* status = nullptr) {
    auto reply = call("POST", start_target(model, 1), start_body(correlation_id));
    if (status) *status = reply.status;
    auto body = json(reply);
    if (reply.status / 100 != 2 || !body.IsObject() || !body.HasMember("processInstanceId")) return "";
    return body["processInstanceId"].GetString();
  }

  std::vector<UserTask> user_tasks(const std::string& correlation_id) {
    auto reply = call("GET", std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks");
    std::vector<UserTask> tasks;
    auto body = json(reply);
    if (reply.status != 200 || !body.IsObject() || !body.HasMember("userTasks")) return tasks;
    for (const auto& task : body["userTasks"].GetArray()) {
      tasks.push_back({task["id"].GetString(), task["processInstanceId"].GetString(), task["correlationId"].GetString(),
                       task["flowNodeInstanceId"].GetString()});
    }
    return tasks;
  }

  UserTask only_task(const std::string& correlation_id) {
    auto tasks = user_tasks(correlation_id);
    return tasks.size() == 1 ? tasks.front() : UserTask{};
  }

  int finish(const UserTask& task) {
    return call("POST", std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                            task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                R"({"formFields":{}})")
        .status;
  }

  static std::string fetch_body(const std::string& topic, int long_poll_ms) {
    return R"({"workerId":"three_worker","topicName":")" + topic + R"(","maxTasks":1,"longPollingTimeout":)" +
           std::to_string(long_poll_ms) + R"(,"lockDuration":60000})";
  }

  // Locks one task of topic; its id, or empty.
  std::string fetch_one(const std::string& topic) {
    auto reply = call("POST", std::string(kApi) + "/fetch_and_lock", fetch_body(topic, 0));
    auto body = json(reply);
    if (reply.status != 200 || !body.IsArray() || body.Empty()) return "";
    return body[0]["id"].GetString();
  }

  int finish_external(const std::string& task_id) {
    return call("POST", std::string(kApi) + "/task/" + task_id + "/finish",
                R"({"workerId":"three_worker","result":{"done":true}})")
        .status;
  }

  // The end events recorded for the correlation and model (in the store's results).
  std::string results(const std::string& correlation_id, const std::string& model) {
    return call("GET", std::string(kApi) + "/correlations/" + correlation_id + "/process_models/" + model + "/results")
        .body;
  }

  int deploy(const std::string& process_id, const std::string& xml) {
    return call("POST", std::string(kManagement) + "/process_models/" + process_id + "/update",
                R"({"xml":)" + quoted(xml) + R"(,"overwriteExisting":true})")
        .status;
  }

  int delete_model(const std::string& process_id) {
    return call("GET", std::string(kManagement) + "/process_models/" + process_id + "/delete").status;
  }

  RoundRobinClient& client() { return client_; }

 private:
  RoundRobinClient& client_;
};

// Polls until check holds or 20 s passed; bounds a wait, measures nothing.
bool eventually(const std::function<bool()>& check, std::chrono::milliseconds within = 20s) {
  for (const auto deadline = std::chrono::steady_clock::now() + within; std::chrono::steady_clock::now() < deadline;) {
    if (check()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return check();
}

class ThreeHosts : public ::testing::Test {
 protected:
  // Hints on; the start waiters' periodic check far beyond any test's length, so that what
  // answers them across hosts is the hint.
  void SetUp() override { setup_hosts({}, R"("engine":{"clusterRecheckIntervalMs":600000})"); }

  void setup_hosts(const std::string& pg_store_settings, const std::string& host_settings) {
    auto& postgres = shared_postgres_cluster();
    HostClusterOptions options;
    options.hosts = 3;
    options.database_prefix = "three";
    options.pg_store_settings = pg_store_settings;
    options.host_settings = host_settings;
    options.extra_plugins = {R"({"name":"management_api"})"};
    hosts_ = std::make_unique<HostCluster>(postgres, options);
    // Every host deploys every model at start-up, as hosts sharing one config do.
    hosts_->add_process_model("steps.bpmn", kThreeSteps);
    hosts_->add_process_model("signal.bpmn", kSignalWait);
    hosts_->add_process_model("external.bpmn", kExternal);
    hosts_->add_process_model("ends.bpmn", kTwoEnds);
    hosts_->add_process_model("versioned.bpmn", versioned_model("three_versioned", "TaskV1"));
    hosts_->add_process_model("timer.bpmn", kTimer);
    hosts_->start();
    client_ = std::make_unique<RoundRobinClient>(hosts_->ports());
    api_ = std::make_unique<Api>(*client_);
  }

  void TearDown() override {
    api_.reset();
    client_.reset();
    if (hosts_) {
      const bool clean = hosts_->stop();
      if (!killed_host_) {
        EXPECT_TRUE(clean) << hosts_->outputs();
      }
    }
    hosts_.reset();
  }

  std::unique_ptr<HostCluster> hosts_;
  std::unique_ptr<RoundRobinClient> client_;
  std::unique_ptr<Api> api_;
  bool killed_host_ = false;  // a test killed a host on purpose: its exit status is not clean
};

// Start on one host, each of the three steps on the next: every host's cached state is behind
// the store when its turn comes, and each step is accepted once.
TEST_F(ThreeHosts, EveryStepOfAnInstanceOnTheNextHost) {
  auto& api = *api_;
  for (int round = 0; round < 3; ++round) {
    const std::string correlation_id = "steps-" + std::to_string(round);
    ASSERT_FALSE(api.start("three_steps", correlation_id).empty());
    for (const std::string step : {"Step1", "Step2", "Step3"}) {
      const UserTask task = api.only_task(correlation_id);
      ASSERT_EQ(task.id, step) << correlation_id;
      EXPECT_EQ(api.finish(task), 204) << correlation_id << " " << step << " on host " << api.client().last_host();
      // The same task again, on the next host: finished once only.
      EXPECT_EQ(api.finish(task), 404) << correlation_id << " " << step << " on host " << api.client().last_host();
    }
    EXPECT_TRUE(api.user_tasks(correlation_id).empty());
    EXPECT_NE(api.results(correlation_id, "three_steps").find("\"End\""), std::string::npos);
    api.client().set_next_host(static_cast<std::size_t>(round + 1));  // each round starts elsewhere
  }
}

// Instances cached at Step1 on every host are moved to the signal catch event by the others;
// a signal sent to any host continues them all.
TEST_F(ThreeHosts, ASignalSentToAStaleHostContinuesEveryWaitingInstance) {
  auto& api = *api_;
  constexpr int kInstances = 6;
  auto correlation = [](int i) { return "signal-" + std::to_string(i); };
  for (int i = 0; i < kInstances; ++i) {
    ASSERT_FALSE(api.start("three_signal", correlation(i)).empty());
    const UserTask step1 = api.only_task(correlation(i));
    ASSERT_EQ(step1.id, "Step1");
    ASSERT_EQ(api.finish(step1), 204);
  }
  ASSERT_EQ(api.call("POST", std::string(kApi) + "/signal/three_go/trigger", R"({"currentToken":{}})").status, 204);
  for (int i = 0; i < kInstances; ++i) {
    EXPECT_TRUE(eventually([&] { return api.only_task(correlation(i)).id == "Step2"; }))
        << correlation(i) << " did not continue";
  }
}

// Each external task is locked on one host and finished on the next; its successor is locked
// and finished on further hosts.
TEST_F(ThreeHosts, AnExternalTaskFinishedOnOneHostItsSuccessorOnTheNext) {
  auto& api = *api_;
  for (int round = 0; round < 3; ++round) {
    const std::string correlation_id = "external-" + std::to_string(round);
    ASSERT_FALSE(api.start("three_external", correlation_id).empty());
    std::string first;
    ASSERT_TRUE(eventually([&] { return !(first = api.fetch_one("three_a")).empty(); }));
    ASSERT_EQ(api.finish_external(first), 204);
    std::string second;
    ASSERT_TRUE(eventually([&] { return !(second = api.fetch_one("three_b")).empty(); }));
    EXPECT_EQ(api.finish_external(second), 204) << "on host " << api.client().last_host();
    EXPECT_EQ(api.finish_external(first), 410) << "a finished task stays finished, on host " << api.client().last_host();
    EXPECT_TRUE(eventually([&] { return api.results(correlation_id, "three_external").find("\"End\"") != std::string::npos; }));
  }
}

// A request that waits (start type 2 or 3, a long poll) on one host, on a connection of its own.
std::future<HttpReply> send_async(std::uint16_t port, std::string method, std::string target, std::string body) {
  return std::async(std::launch::async, [port, method = std::move(method), target = std::move(target),
                                         body = std::move(body)] {
    testing::HttpClient client(port, "127.0.0.1", std::chrono::seconds(60));
    return client.request(method, target, body, {{"Content-Type", "application/json"}});
  });
}

std::string member(const HttpReply& reply, const char* name) {
  auto body = json(reply);
  if (!body.IsObject() || !body.HasMember(name) || !body[name].IsString()) return "";
  return body[name].GetString();
}

// start_callback_type=2 on host 0; the instance's only task is finished on host 1: host 0
// answers with the end event, told by host 1's hint (its own periodic check is 10 minutes away).
TEST_F(ThreeHosts, AStartWaitingForTheEndAnswersWhenAnotherHostEndsTheInstance) {
  auto& api = *api_;
  for (int round = 0; round < 2; ++round) {
    const std::string correlation_id = "wait-end-" + std::to_string(round);
    auto waiting = send_async(hosts_->host(0).port(), "POST", api.start_target("three_versioned", 2),
                              Api::start_body(correlation_id));
    UserTask task;
    ASSERT_TRUE(eventually([&] { return !(task = api.only_task(correlation_id)).id.empty(); }));
    EXPECT_EQ(api.client().request_to(1, "POST",
                                      std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                                          task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                                      R"({"formFields":{}})")
                  .status,
              204);
    ASSERT_EQ(waiting.wait_for(30s), std::future_status::ready) << "host 0 never answered\n" << hosts_->outputs();
    const auto reply = waiting.get();
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(member(reply, "endEventId"), "End") << reply.body;
    EXPECT_EQ(member(reply, "processInstanceId"), task.process_instance_id) << reply.body;
  }
}

// start_callback_type=3 for EndEarly on host 0; host 1 finishes Task, which reaches EndEarly
// while Later still waits: host 0 answers although the instance runs on.
TEST_F(ThreeHosts, AStartWaitingForAnEndEventAnswersWhenAnotherHostReachesIt) {
  auto& api = *api_;
  auto waiting = send_async(hosts_->host(0).port(), "POST", api.start_target("three_ends", 3, "EndEarly"),
                            Api::start_body("wait-event"));
  UserTask task;
  ASSERT_TRUE(eventually([&] { return !(task = api.only_task("wait-event")).id.empty(); }));
  ASSERT_EQ(task.id, "Task");
  EXPECT_EQ(api.client().request_to(1, "POST",
                                    std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                                        task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                                    R"({"formFields":{}})")
                .status,
            204);
  ASSERT_EQ(waiting.wait_for(30s), std::future_status::ready) << "host 0 never answered\n" << hosts_->outputs();
  const auto reply = waiting.get();
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(member(reply, "endEventId"), "EndEarly") << reply.body;
  const UserTask later = api.only_task("wait-event");
  EXPECT_EQ(later.id, "Later") << "the instance runs on";
  EXPECT_EQ(api.finish(later), 204);
}

// A long poll on host 1 (20 s) is answered with the task an instance started on host 0
// creates: the poll does not wait for its timeout and ask again.
TEST_F(ThreeHosts, ALongPollOnOneHostGetsATaskCreatedOnAnother) {
  auto& api = *api_;
  for (int round = 0; round < 2; ++round) {
    const auto started_at = std::chrono::steady_clock::now();
    auto polling = send_async(hosts_->host(1).port(), "POST", std::string(kApi) + "/fetch_and_lock",
                              Api::fetch_body("three_a", 20000));
    std::this_thread::sleep_for(300ms);  // the poll waits by now (if not, its first attempt finds the task)
    const std::string correlation_id = "long-poll-" + std::to_string(round);
    ASSERT_FALSE(api.client().request_to(0, "POST", api.start_target("three_external", 1),
                                         Api::start_body(correlation_id))
                     .body.empty());
    ASSERT_EQ(polling.wait_for(30s), std::future_status::ready);
    const auto reply = polling.get();
    const auto waited = std::chrono::steady_clock::now() - started_at;
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto body = json(reply);
    ASSERT_TRUE(body.IsArray());
    ASSERT_EQ(body.Size(), 1u) << "the poll ended empty after " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms";
    EXPECT_STREQ(body[0]["correlationId"].GetString(), correlation_id.c_str());
    EXPECT_EQ(api.finish_external(body[0]["id"].GetString()), 204);
  }
}

std::string model_xml_on(Api& api, std::size_t host, const std::string& model) {
  const auto reply = api.client().request_to(host, "GET", std::string(kManagement) + "/process_models/" + model);
  return reply.status == 200 ? member(reply, "xml") : "status " + std::to_string(reply.status);
}

// v2 deployed on host 0 is every host's latest right after (host 0's hint), and the next
// starts on hosts 1 and 2 run it.
TEST_F(ThreeHosts, AModelDeployedOnOneHostIsTheLatestOnEveryHost) {
  auto& api = *api_;
  ASSERT_EQ(api.client().request_to(0, "POST", std::string(kManagement) + "/process_models/three_versioned/update",
                                    R"({"xml":)" + quoted(versioned_model("three_versioned", "TaskV2")) +
                                        R"(,"overwriteExisting":true})")
                .status,
            204);
  for (std::size_t host = 1; host < 3; ++host) {
    EXPECT_TRUE(eventually([&] { return model_xml_on(api, host, "three_versioned").find("TaskV2") != std::string::npos; },
                           10s))
        << "host " << host << " still has " << model_xml_on(api, host, "three_versioned");
  }
  for (std::size_t host = 0; host < 3; ++host) {
    const std::string correlation_id = "v2-on-" + std::to_string(host);
    api.client().set_next_host(host);
    ASSERT_FALSE(api.start("three_versioned", correlation_id).empty());
    const UserTask task = api.only_task(correlation_id);
    EXPECT_EQ(task.id, "TaskV2") << "started on host " << host;
    EXPECT_EQ(api.finish(task), 204);
  }
  // v1 deployed again, on host 2: the last deployment is the latest, on every host.
  ASSERT_EQ(api.client().request_to(2, "POST", std::string(kManagement) + "/process_models/three_versioned/update",
                                    R"({"xml":)" + quoted(versioned_model("three_versioned", "TaskV1")) +
                                        R"(,"overwriteExisting":true})")
                .status,
            204);
  for (std::size_t host = 0; host < 3; ++host) {
    EXPECT_TRUE(eventually([&] { return model_xml_on(api, host, "three_versioned").find("TaskV1") != std::string::npos; },
                           10s))
        << "host " << host << " still has " << model_xml_on(api, host, "three_versioned");
  }
}

// A model deleted on host 1 is refused by every host right after; its running instance goes on.
TEST_F(ThreeHosts, AModelDeletedOnOneHostIsRefusedOnEveryHost) {
  auto& api = *api_;
  for (std::size_t host = 0; host < 3; ++host) {
    api.client().set_next_host(host);
    ASSERT_FALSE(api.start("three_steps", "before-delete-" + std::to_string(host)).empty()) << "host " << host;
  }
  ASSERT_EQ(api.client().request_to(1, "GET", std::string(kManagement) + "/process_models/three_steps/delete").status,
            204);
  for (std::size_t host = 0; host < 3; ++host) {
    int status = 0;
    EXPECT_TRUE(eventually([&] { return model_xml_on(api, host, "three_steps") == "status 404"; }, 10s))
        << "host " << host << " still lists the deleted model";
    api.client().set_next_host(host);
    EXPECT_EQ(api.start("three_steps", "after-delete", &status), "");
    EXPECT_EQ(status, 404) << "host " << host;
  }
  // An instance started before goes on, on any host.
  const UserTask step1 = api.only_task("before-delete-0");
  ASSERT_EQ(step1.id, "Step1");
  EXPECT_EQ(api.finish(step1), 204);
}

// Timers armed on host 0, which is killed (SIGKILL) before they are due: host 1 and 2 heard
// the armed timers' hints, so their timer schedulers scan the store when they fall due and
// one of them fires each (once: the instance version decides).
TEST_F(ThreeHosts, TimersArmedOnAHostThatDiesFireOnAnother) {
  auto& api = *api_;
  constexpr int kInstances = 3;
  auto correlation = [](int i) { return "timer-" + std::to_string(i); };
  for (int i = 0; i < kInstances; ++i) {
    ASSERT_FALSE(api.client().request_to(0, "POST", api.start_target("three_timer", 1), Api::start_body(correlation(i)))
                     .body.empty());
  }
  killed_host_ = true;
  hosts_->host(0).signal(SIGKILL);
  ASSERT_GE(hosts_->host(0).wait_exit(10s), 0);
  RoundRobinClient survivors({hosts_->host(1).port(), hosts_->host(2).port()});
  Api others(survivors);
  for (int i = 0; i < kInstances; ++i) {
    UserTask task;
    EXPECT_TRUE(eventually([&] { return (task = others.only_task(correlation(i))).id == "AfterTimer"; }, 15s))
        << correlation(i) << "'s timer did not fire\n" << hosts_->outputs();
    if (!task.id.empty()) {
      EXPECT_EQ(others.finish(task), 204);
    }
  }
}

// Without hints (pg_store "hints": false) hosts still agree, later: each host's start waiters
// read their instances from the store every clusterRecheckIntervalMs.
class ThreeHostsWithoutHints : public ThreeHosts {
 protected:
  void SetUp() override { setup_hosts(R"("hints":false)", R"("engine":{"clusterRecheckIntervalMs":300})"); }
};

TEST_F(ThreeHostsWithoutHints, AStartWaitingForTheEndAnswersByItsPeriodicCheck) {
  auto& api = *api_;
  auto waiting = send_async(hosts_->host(0).port(), "POST", api.start_target("three_versioned", 2),
                            Api::start_body("no-hints"));
  UserTask task;
  ASSERT_TRUE(eventually([&] { return !(task = api.only_task("no-hints")).id.empty(); }));
  EXPECT_EQ(api.client().request_to(2, "POST",
                                    std::string(kApi) + "/processes/" + task.process_instance_id + "/correlations/" +
                                        task.correlation_id + "/usertasks/" + task.flow_node_instance_id + "/finish",
                                    R"({"formFields":{}})")
                .status,
            204);
  ASSERT_EQ(waiting.wait_for(30s), std::future_status::ready) << "host 0 never answered\n" << hosts_->outputs();
  const auto reply = waiting.get();
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(member(reply, "endEventId"), "End") << reply.body;
}

TEST_F(ThreeHostsWithoutHints, EveryStepOfAnInstanceOnTheNextHost) {
  auto& api = *api_;
  ASSERT_FALSE(api.start("three_steps", "no-hints-steps").empty());
  for (const std::string step : {"Step1", "Step2", "Step3"}) {
    const UserTask task = api.only_task("no-hints-steps");
    ASSERT_EQ(task.id, step);
    EXPECT_EQ(api.finish(task), 204) << step << " on host " << api.client().last_host();
  }
  EXPECT_TRUE(api.user_tasks("no-hints-steps").empty());
}

}  // namespace
}  // namespace processhost::test
