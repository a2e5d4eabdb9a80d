// The real pg_store.so: descriptor, configure with a settings file, start against a private
// PostgreSQL, serve the Store service, stop; and the start-up message when the server is down.

#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <map>
#include <mutex>

#include "processhost/plugin.hpp"
#include "processhost/services/store.hpp"
#include "processhost/test/postgres_cluster.hpp"

namespace processhost::test {
namespace {

class Registry final : public ServiceRegistry {
 public:
  void provide(std::string_view id, void* service) override {
    if (!services_.emplace(std::string(id), service).second) throw std::logic_error("provided twice");
  }
  void* find(std::string_view id) const override {
    auto found = services_.find(std::string(id));
    return found == services_.end() ? nullptr : found->second;
  }

 private:
  std::map<std::string, void*> services_;
};

class NoRoutes final : public HttpRouter {
 public:
  void add_route(std::string, std::string, HttpHandler) override { ++routes; }
  int routes = 0;
};

class Lines final : public Logger {
 public:
  void log(LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(LogLevel) const override { return true; }
  std::string all() const {
    std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    return text;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// As the host does it: the plugin's config is the settings file's object, config_file that file.
class Context final : public HostContext {
 public:
  explicit Context(std::filesystem::path settings_file) : file_(std::move(settings_file)), dir_(file_.parent_path()) {
    std::ifstream in(file_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    config_.Parse(text.c_str());
  }
  ServiceRegistry& services() override { return registry; }
  HttpRouter& http() override { return router; }
  Logger& logger() override { return log; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return dir_; }
  const std::filesystem::path& config_file() const override { return file_; }
  std::string_view plugin_name() const override { return "pg_store"; }

  Registry registry;
  NoRoutes router;
  Lines log;

 private:
  std::filesystem::path file_;
  std::filesystem::path dir_;
  rapidjson::Document config_;
};

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
  const std::string database = "plugin_" + std::to_string(::getpid());
  Context context(write_settings(cluster.port(), database));
  Plugin* plugin = descriptor_->create(context);
  ASSERT_NE(plugin, nullptr);
  plugin->configure(context);
  auto* store = context.services().find<Store>();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(context.router.routes, 0);
  plugin->start(context);
  EXPECT_NE(context.log.all().find("created database \"" + database + "\""), std::string::npos) << context.log.all();

  ChangeSet changes;
  changes.instance.id = "i1";
  changes.instance.process_model_id = "model";
  changes.instance.correlation_id = "corr";
  changes.instance.state = "running";
  FlowNodeInstanceRecord task;
  task.id = "n1";
  task.process_instance_id = "i1";
  task.flow_node_type = "bpmn:UserTask";
  task.state = "suspended";
  changes.flow_node_instances = {task};
  std::promise<Status> committed;
  store->commit(changes, [&](Status status) { committed.set_value(std::move(status)); });
  ASSERT_TRUE(committed.get_future().get().ok());
  std::promise<Result<PagedList<FlowNodeInstanceRecord>>> listed;
  FlowNodeQuery waiting;
  waiting.state = "suspended";
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
  Context context(settings);
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
