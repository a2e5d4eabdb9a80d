// The original npm client's subscriptions against the real host (iam + consumer_api): every
// callback gets the event of the instance it started, over socket.io upgraded to WebSocket.
// Every event type of spec section 2.6 is subscribed to with the client's own on... methods
// but the throw, error and termination events, which the integration tests cover.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"

namespace {

using processhost::testing::HostProcess;
using processhost::testing::TempDir;

struct NodeRun {
  int exit_code = -1;
  std::string output;
};

NodeRun run_client(std::uint16_t port) {
  const std::string command = "NODE_PATH='" + std::string(NOTIFY_CLIENT_MODULES) + "' '" + NOTIFY_NODE + "' '" +
                              NOTIFY_SCRIPT + "' http://127.0.0.1:" + std::to_string(port) + " sampleUser pass 2>&1";
  NodeRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  while (const std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(OriginalClient, SubscriptionsAndProcessEndedCallbackReceiveTheirEvents) {
  TempDir dir;
  const std::string demo = NOTIFY_DEMO_DIR;
  const auto config =
      dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" + demo + R"(/processes",")" +
                                 NOTIFY_MODELS_DIR + R"(/notify_events.bpmn"],"plugins":[{"name":"iam","config":")" +
                                 demo + R"(/iam/iam.json"},{"name":"consumer_api"}]})");
  HostProcess host(config);
  host.start();

  const NodeRun run = run_client(host.port());
  ASSERT_EQ(run.exit_code, 0) << run.output << "\nhost output:\n" << host.output();
  rapidjson::Document result;
  result.Parse(run.output.c_str());
  ASSERT_FALSE(result.HasParseError()) << run.output;
  const std::string instance = result["started"]["processInstanceId"].GetString();
  EXPECT_EQ(std::string(result["transport"].GetString()), "websocket");

  const auto& received = result["received"];
  // The last message of that event for the instance of, or null.
  auto last_of = [&](const char* name, const std::string& of) -> const rapidjson::Value* {
    if (!received.HasMember(name)) return nullptr;
    const rapidjson::Value* found = nullptr;
    for (const auto& message : received[name].GetArray()) {
      if (of == message["processInstanceId"].GetString()) found = &message;
    }
    return found;
  };
  for (const char* name : {"process_started", "process_instance_started", "user_task_waiting",
                           "user_task_waiting_for_identity", "process_ended", "process_ended_once",
                           "process_ended_callback"}) {
    const auto* message = last_of(name, instance);
    ASSERT_NE(message, nullptr) << name << " never called back for the sample instance: " << run.output;
    EXPECT_EQ(std::string((*message)["processModelId"].GetString()), "sample_process") << name;
    EXPECT_FALSE(message->HasMember("processInstanceOwner")) << name;
  }
  const auto& waiting = received["user_task_waiting_for_identity"][0];
  EXPECT_EQ(std::string(waiting["flowNodeId"].GetString()), "UserTask_1");
  const auto& ended = *last_of("process_ended_callback", instance);
  EXPECT_EQ(std::string(ended["flowNodeId"].GetString()), "EndEvent_Success");
  EXPECT_TRUE(ended["currentToken"]["form_fields"]["TaskWasSuccessful"].GetBool());
  // subscribeOnce: called once although two more instances could have ended meanwhile.
  EXPECT_EQ(received["process_ended_once"].Size(), 1u);

  // The sample process's script task, and its user task finished with the form fields.
  for (const char* name : {"activity_reached", "activity_finished"}) {
    const auto* message = last_of(name, instance);
    ASSERT_NE(message, nullptr) << name << ": " << run.output;
    EXPECT_EQ(std::string((*message)["flowNodeId"].GetString()), "scriptTask_CreateSampleResult") << name;
    EXPECT_EQ(std::string((*message)["flowNodeType"].GetString()), "bpmn:ScriptTask") << name;
  }
  for (const char* name : {"user_task_finished", "user_task_finished_for_identity"}) {
    const auto* message = last_of(name, instance);
    ASSERT_NE(message, nullptr) << name << ": " << run.output;
    EXPECT_EQ(std::string((*message)["flowNodeId"].GetString()), "UserTask_1") << name;
    EXPECT_TRUE((*message)["currentToken"]["form_fields"]["TaskWasSuccessful"].GetBool()) << name;
    EXPECT_TRUE((*message)["userTaskResult"]["form_fields"]["TaskWasSuccessful"].GetBool()) << name;
  }

  // notify_events: each event names its flow node.
  const std::string events = result["events"]["processInstanceId"].GetString();
  const std::pair<const char*, const char*> expected[] = {{"empty_activity_finished", "Note"},
                                                          {"empty_activity_finished_for_identity", "Note"},
                                                          {"manual_task_finished", "Check"},
                                                          {"manual_task_finished_for_identity", "Check"},
                                                          {"boundary_event_triggered", "Reminder"},
                                                          {"intermediate_catch_event_reached", "Pause"},
                                                          {"intermediate_catch_event_finished", "Pause"}};
  for (const auto& [name, flow_node_id] : expected) {
    const auto* message = last_of(name, events);
    ASSERT_NE(message, nullptr) << name << ": " << run.output;
    EXPECT_EQ(std::string((*message)["flowNodeId"].GetString()), flow_node_id) << name;
    EXPECT_EQ(std::string((*message)["processModelId"].GetString()), "notify_events") << name;
    EXPECT_FALSE(message->HasMember("processInstanceOwner")) << name;
  }
  EXPECT_EQ(run.output.find("\"token\""), std::string::npos) << "a token in a notification";
  EXPECT_EQ(host.stop(), 0);
}

}  // namespace
