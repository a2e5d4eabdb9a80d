// Loads the real audit_log.so (the in-tree build, or the one named by AUDIT_LOG_PLUGIN,
// e.g. built out of tree against an installed SDK) and drives it through its lifecycle.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "listener_engine.hpp"
#include "processhost/plugin.hpp"
#include "processhost/test/fake_host.hpp"

namespace processhost {
namespace {

std::string plugin_path() {
  if (const char* path = std::getenv("AUDIT_LOG_PLUGIN")) return path;
  return PROCESSHOST_AUDIT_LOG_PLUGIN;
}

const PluginDescriptor& load_descriptor() {
  // Plugins are never unloaded: the handle stays open for the test process's lifetime.
  void* handle = dlopen(plugin_path().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw std::runtime_error(dlerror());
  auto entry = reinterpret_cast<DescriptorEntry>(dlsym(handle, kDescriptorEntryName));
  if (entry == nullptr) throw std::runtime_error("no entry symbol in " + plugin_path());
  return *entry();
}

class AuditLogPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/audit_log_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> lines(const std::filesystem::path& file) const {
    std::ifstream stream(file);
    std::vector<std::string> result;
    for (std::string line; std::getline(stream, line);) result.push_back(line);
    return result;
  }

  std::filesystem::path dir_;
};

EngineEvent event(EngineEventKind kind, std::string flow_node_id) {
  EngineEvent e;
  e.kind = kind;
  e.process_model_id = "sample_process";
  e.process_instance_id = "pi-1";
  e.correlation_id = "cid-1";
  e.flow_node_id = std::move(flow_node_id);
  e.flow_node_instance_id = e.flow_node_id.empty() ? "" : "fni-1";
  e.flow_node_type = e.flow_node_id.empty() ? "" : "bpmn:UserTask";
  e.owner_user_id = "sampleUser";
  e.payload = R"({"form_fields":{"TaskWasSuccessful":true}})";
  e.timestamp_ms = 1700000000123;
  return e;
}

TEST_F(AuditLogPlugin, DescriptorIsWhatTheHostChecks) {
  const PluginDescriptor& descriptor = load_descriptor();
  EXPECT_EQ(descriptor.api_version, kPluginApiVersion);
  EXPECT_STREQ(descriptor.abi_tag, PROCESSHOST_ABI_TAG);
  EXPECT_STREQ(descriptor.name, "audit_log");
  ASSERT_NE(descriptor.requirements[0], nullptr);
  EXPECT_STREQ(descriptor.requirements[0], "processhost.engine/1");
  EXPECT_EQ(descriptor.requirements[1], nullptr);
  EXPECT_EQ(descriptor.provides[0], nullptr);
  ASSERT_NE(descriptor.config_schema, nullptr);
}

TEST_F(AuditLogPlugin, WritesEngineEventsAsJsonLinesUntilStopped) {
  const PluginDescriptor& descriptor = load_descriptor();
  testing::FakeHostContext context(R"({"path":"logs/audit.jsonl","includePayload":true})", dir_, "audit_log");
  testing::ListenerEngine engine;
  context.registry.provide<EngineService>(engine);

  Plugin* plugin = descriptor.create(context);
  plugin->configure(context);
  plugin->start(context);
  EXPECT_EQ(engine.listener_count(), 1u);
  engine.emit(event(EngineEventKind::process_started, ""));
  engine.emit(event(EngineEventKind::user_task_waiting, "UserTask_1"));

  auto* counts = context.router.find("GET", "/audit_log/counts");
  ASSERT_NE(counts, nullptr);
  auto responder = std::make_shared<testing::WaitingResponder>();
  (*counts)(HttpRequest{}, responder);
  ASSERT_TRUE(responder->responded());
  EXPECT_EQ(responder->response().status, 200);
  EXPECT_NE(responder->response().body.find(R"("events":{"process_started":1,"user_task_waiting":1})"),
            std::string::npos)
      << responder->response().body;

  plugin->stop();
  EXPECT_EQ(engine.listener_count(), 0u);
  engine.emit(event(EngineEventKind::process_finished, ""));
  descriptor.destroy(plugin);

  EXPECT_EQ(lines(dir_ / "logs/audit.jsonl"),
            (std::vector<std::string>{
                R"({"time":1700000000123,"kind":"process_started","processModelId":"sample_process",)"
                R"("processInstanceId":"pi-1","correlationId":"cid-1","ownerUserId":"sampleUser",)"
                R"("payload":{"form_fields":{"TaskWasSuccessful":true}}})",
                R"({"time":1700000000123,"kind":"user_task_waiting","processModelId":"sample_process",)"
                R"("processInstanceId":"pi-1","correlationId":"cid-1","flowNodeId":"UserTask_1",)"
                R"("flowNodeInstanceId":"fni-1","flowNodeType":"bpmn:UserTask","ownerUserId":"sampleUser",)"
                R"("payload":{"form_fields":{"TaskWasSuccessful":true}}})"}));
}

TEST_F(AuditLogPlugin, LogsOnlyTheConfiguredKindsWithoutPayloadByDefault) {
  const PluginDescriptor& descriptor = load_descriptor();
  testing::FakeHostContext context(R"({"kinds":["process_finished"]})", dir_, "audit_log");
  testing::ListenerEngine engine;
  context.registry.provide<EngineService>(engine);
  Plugin* plugin = descriptor.create(context);
  plugin->configure(context);
  plugin->start(context);
  engine.emit(event(EngineEventKind::process_started, ""));
  engine.emit(event(EngineEventKind::process_finished, ""));
  plugin->stop();
  descriptor.destroy(plugin);
  EXPECT_EQ(lines(dir_ / "audit_log.jsonl"),
            (std::vector<std::string>{R"({"time":1700000000123,"kind":"process_finished","processModelId":"sample_process",)"
                                      R"("processInstanceId":"pi-1","correlationId":"cid-1","ownerUserId":"sampleUser"})"}));
}

TEST_F(AuditLogPlugin, StartFailsNamingAFileItCannotOpen) {
  const PluginDescriptor& descriptor = load_descriptor();
  std::filesystem::create_directories(dir_ / "taken");
  testing::FakeHostContext context(R"({"path":"taken"})", dir_, "audit_log");
  testing::ListenerEngine engine;
  context.registry.provide<EngineService>(engine);
  Plugin* plugin = descriptor.create(context);
  plugin->configure(context);
  try {
    plugin->start(context);
    FAIL() << "start must throw";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "cannot open audit log file '" + (dir_ / "taken").string() + "' for appending");
  }
  EXPECT_EQ(engine.listener_count(), 0u);
  plugin->stop();
  descriptor.destroy(plugin);
}

TEST_F(AuditLogPlugin, ConfigureFailsWithoutAnEngine) {
  const PluginDescriptor& descriptor = load_descriptor();
  testing::FakeHostContext context("{}", dir_, "audit_log");
  Plugin* plugin = descriptor.create(context);
  EXPECT_THROW(plugin->configure(context), std::runtime_error);
  descriptor.destroy(plugin);
}

}  // namespace
}  // namespace processhost
