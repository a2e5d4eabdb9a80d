#include "engine_node.hpp"

#include <fstream>
#include <future>
#include <sstream>

#include "plugin_library.hpp"
#include "processhost/engine/engine.hpp"
#include "processhost/engine/memory_store.hpp"

namespace processhost::host {
namespace {

constexpr std::chrono::seconds kDeployTimeout{120};

[[noreturn]] void fail(const std::string& name, const std::string& reason) {
  throw PluginError("built-in '" + name + "': " + reason);
}

class MemoryStoreNode final : public HostNode {
 public:
  MemoryStoreNode(HostServiceRegistry& registry, LogSink& sink) : registry_(registry), logger_(sink, "memory_store") {
    info_ = {"memory_store", PROCESSHOST_VERSION, "", {std::string(Store::kServiceId)}, {}};
  }
  const NodeInfo& info() const override { return info_; }
  void configure() override {
    store_ = std::make_unique<engine::MemoryStore>();
    registry_.provide(info_.name, Store::kServiceId, static_cast<Store*>(store_.get()));
    logger_.warn(
        "no store plugin is loaded: process state lives in memory only and is LOST when the host stops "
        "(load pg_store for durable state)");
  }
  void start() override {}
  void stop() noexcept override {}
  void destroy() noexcept override {
    registry_.withdraw(info_.name);
    store_.reset();
  }

 private:
  NodeInfo info_;
  HostServiceRegistry& registry_;
  ComponentLogger logger_;
  std::unique_ptr<engine::MemoryStore> store_;
};

class EngineNode final : public HostNode {
 public:
  EngineNode(const HostConfig& config, HostServiceRegistry& registry, LogSink& sink)
      : registry_(registry), logger_(sink, "engine"), process_models_(config.process_models) {
    info_ = {"engine",
             PROCESSHOST_VERSION,
             "",
             {std::string(EngineService::kServiceId), std::string(ServiceTaskMethods::kServiceId)},
             {std::string(Store::kServiceId)}};
    options_.worker_threads = config.engine.worker_threads;
    options_.script_budget = config.engine.script_budget;
    options_.script_memory_limit_bytes = config.engine.script_memory_limit_mib * 1024 * 1024;
    options_.max_script_threads = config.engine.max_script_threads;
  }
  const NodeInfo& info() const override { return info_; }

  void configure() override {
    engine_ = std::make_unique<engine::Engine>(options_, logger_);
    registry_.provide(info_.name, EngineService::kServiceId, static_cast<EngineService*>(engine_.get()));
    registry_.provide(info_.name, ServiceTaskMethods::kServiceId, &engine_->service_task_methods());
  }

  void start() override {
    auto* store = static_cast<Store*>(registry_.find(Store::kServiceId));
    if (store == nullptr) fail(info_.name, "no store is provided");
    try {
      engine_->start(*store);
    } catch (const std::exception& error) {
      fail(info_.name, std::string("start failed: ") + error.what());
    }
    started_ = true;
    for (const auto& file : process_models_) deploy(file);
  }

  void stop() noexcept override {
    if (!started_) return;
    started_ = false;
    engine_->stop();
  }

  void destroy() noexcept override {
    registry_.withdraw(info_.name);
    engine_.reset();
  }

 private:
  void deploy(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) fail(info_.name, "cannot read process model " + file.string());
    std::ostringstream xml;
    xml << stream.rdbuf();
    auto done = std::make_shared<std::promise<Result<ProcessModelInfo>>>();
    auto future = done->get_future();
    engine_->deploy(xml.str(), file.string(), [done](Result<ProcessModelInfo> result) { done->set_value(std::move(result)); });
    if (future.wait_for(kDeployTimeout) != std::future_status::ready) {
      fail(info_.name, "deploying " + file.string() + " did not finish in time");
    }
    const Result<ProcessModelInfo> result = future.get();
    if (!result) fail(info_.name, "cannot deploy " + file.string() + ": " + result.error().message);
    logger_.debug("deployed process model '" + result->id + "' (" + result->hash + ") from " + file.string());
  }

  NodeInfo info_;
  HostServiceRegistry& registry_;
  ComponentLogger logger_;
  engine::EngineOptions options_;
  std::vector<std::filesystem::path> process_models_;
  std::unique_ptr<engine::Engine> engine_;
  bool started_ = false;
};

}  // namespace

void add_engine_nodes(std::vector<std::unique_ptr<HostNode>>& nodes, const HostConfig& config,
                      bool store_plugin_loaded, HostServiceRegistry& registry, LogSink& sink) {
  if (!store_plugin_loaded) nodes.push_back(std::make_unique<MemoryStoreNode>(registry, sink));
  nodes.push_back(std::make_unique<EngineNode>(config, registry, sink));
}

}  // namespace processhost::host
