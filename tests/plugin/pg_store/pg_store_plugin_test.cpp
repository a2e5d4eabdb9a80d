// The real pg_store.so: descriptor, configure with a settings file, start against a private
// PostgreSQL, serve the Store service, stop; and the start-up message when the server is down.

#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <memory>

#include "processhost/plugin.hpp"
#include "processhost/services/store.hpp"
#include "processhost/test/fake_host.hpp"
#include "processhost/test/postgres_cluster.hpp"

namespace processhost::test {
namespace {

// As the host does it: the plugin's config is the settings file's object, config_file that file.
std::unique_ptr<testing::FakeHostContext> context_for(const std::filesystem::path& settings_file) {
  std::ifstream in(settings_file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::make_unique<testing::FakeHostContext>(text, settings_file.parent_path(), "pg_store", settings_file);
}

class PgStorePlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(PROCESSHOST_PG_STORE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    auto entry = reinterpret_cast<DescriptorEntry>(dlsym(library_, kDescriptorEntryName));
    ASSERT_NE(entry, nullptr);
    descriptor_ = entry();
    dir_ = PostgresCluster::default_root() / ("plugin-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    // Plugins are never unloaded by the host; the test keeps the library loaded as well.
  }

  std::filesystem::path write_settings(int port, const std::string& database) {
    const auto file = dir_ / "postgres.json";
    std::ofstream(file) << R"({"host": "127.0.0.1", "port": )" << port << R"(, "database": ")" << database
                        << R"(", "user": "postgres", "poolSize": 2, "connectTimeoutSeconds": 2})";
    return file;
  }

  void* library_ = nullptr;
  const PluginDescriptor* descriptor_ = nullptr;
  std::filesystem::path dir_;
};

TEST_F(PgStorePlugin, DescriptorProvidesTheStoreAndRequiresNothing) {
  EXPECT_EQ(descriptor_->api_version, kPluginApiVersion);
  EXPECT_STREQ(descriptor_->abi_tag, PROCESSHOST_ABI_TAG);
  EXPECT_STREQ(descriptor_->name, "pg_store");
  ASSERT_NE(descriptor_->provides[0], nullptr);
  EXPECT_EQ(std::string_view(descriptor_->provides[0]), Store::kServiceId);
  EXPECT_EQ(descriptor_->provides[1], nullptr);
  EXPECT_EQ(descriptor_->requirements[0], nullptr);
  EXPECT_NE(descriptor_->create, nullptr);
  EXPECT_NE(descriptor_->destroy, nullptr);
}

TEST_F(PgStorePlugin, ServesTheStoreBetweenStartAndStop) {
  auto& cluster = shared_postgres_cluster();
  const std::string database = unique_database_name("plugin");
  auto owned_context = context_for(write_settings(cluster.port(), database));
  auto& context = *owned_context;
  Plugin* plugin = descriptor_->create(context);
  ASSERT_NE(plugin, nullptr);
  plugin->configure(context);
  auto* store = context.services().find<Store>();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(context.router.routes().size(), 0u);
  plugin->start(context);
  EXPECT_NE(context.log.text().find("created database \"" + database + "\""), std::string::npos) << context.log.text();

  ChangeSet changes;
  changes.instance.id = "i1";
  changes.instance.process_model_id = "model";
  changes.instance.correlation_id = "corr";
  changes.instance.state = ProcessInstanceState::running;
  FlowNodeInstanceRecord task;
  task.id = "n1";
  task.process_instance_id = "i1";
  task.flow_node_type = "bpmn:UserTask";
  task.state = FlowNodeState::suspended;
  changes.flow_node_instances = {task};
  std::promise<Status> committed;
  store->commit(changes, [&](Status status) { committed.set_value(std::move(status)); });
  ASSERT_TRUE(committed.get_future().get().ok());
  std::promise<Result<PagedList<FlowNodeInstanceRecord>>> listed;
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  store->query_flow_nodes(waiting, [&](auto result) { listed.set_value(std::move(result)); });
  auto list = listed.get_future().get();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].id, "n1");

  plugin->stop();
  std::promise<Status> after_stop;
  store->commit(changes, [&](Status status) { after_stop.set_value(std::move(status)); });
  const auto refused = after_stop.get_future().get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, ErrorStatus::unavailable);
  descriptor_->destroy(plugin);
  cluster.drop_database(database);
}

TEST_F(PgStorePlugin, StartFailsWithTheSettingsFileWhenTheServerIsDown) {
  const int port = free_loopback_port();
  const auto settings = write_settings(port, "unreachable");
  auto owned_context = context_for(settings);
  auto& context = *owned_context;
  Plugin* plugin = descriptor_->create(context);
  plugin->configure(context);
  try {
    plugin->start(context);
    ADD_FAILURE() << "start succeeded without a server";
  } catch (const std::exception& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(settings.string()), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  }
  plugin->stop();
  descriptor_->destroy(plugin);
}

}  // namespace
}  // namespace processhost::test
