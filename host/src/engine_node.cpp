#include "engine_node.hpp"

#include <fstream>
#include <future>
#include <sstream>

#include "engine_metrics.hpp"
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
  EngineNode(const HostConfig& config, HostServiceRegistry& registry, LogSink& sink, ModelFileReport& model_files)
      : registry_(registry), logger_(sink, "engine"), process_models_(config.process_models), model_files_(model_files) {
    info_ = {"engine",
             PROCESSHOST_VERSION,
             "",
             {std::string(EngineService::kServiceId), std::string(ServiceTaskMethods::kServiceId)},
             {std::string(Store::kServiceId)}};
    options_.worker_threads = config.engine.worker_threads;
    options_.script_budget = config.engine.script_budget;
    options_.script_memory_limit_bytes = config.engine.script_memory_limit_mib * 1024 * 1024;
    options_.max_script_threads = config.engine.max_script_threads;
    options_.waiting_count_interval = config.engine.waiting_count_interval;
    options_.history_ttl = config.engine.history_ttl;
    options_.history_cleanup_interval = config.engine.history_cleanup_interval;
    options_.history_cleanup_batch = config.engine.history_cleanup_batch;
    options_.history_cleanup_pause = config.engine.history_cleanup_pause;
    options_.timer_poll_interval = config.engine.timer_poll_interval;
    options_.timer_lease = config.engine.timer_lease;
    options_.cluster_recheck_interval = config.engine.cluster_recheck_interval;
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
    if (auto* metrics = static_cast<MetricsService*>(registry_.find(MetricsService::kServiceId))) {
      metrics_.attach(*engine_, *metrics);
      engine_->attach_metrics(*metrics);
    }
    std::size_t failed = 0;
    for (const auto& file : process_models_) failed += deploy(file) ? 0 : 1;
    if (failed > 0) {
      logger_.warn(std::to_string(failed) + " of " + std::to_string(process_models_.size()) +
                   " process model file(s) could not be deployed; the host runs without them "
                   "(GET /host/process_models lists every problem)");
    }
  }

  void stop() noexcept override {
    if (!started_) return;
    started_ = false;
    metrics_.detach();
    engine_->detach_metrics();
    engine_->stop();
  }

  void destroy() noexcept override {
    registry_.withdraw(info_.name);
    engine_.reset();
  }

 private:
  // Deploys file and records the outcome; a model that cannot be deployed is logged with
  // every problem and skipped, so one bad file never stops the host.
  bool deploy(const std::filesystem::path& file) {
    ModelFileOutcome outcome;
    outcome.file = file;
    const auto refused = [&](std::vector<ModelProblemInfo> problems) {
      for (const auto& problem : problems) {
        logger_.error("process model " + file.string() + " not deployed: " + describe(problem));
      }
      outcome.problems = std::move(problems);
      model_files_.add(std::move(outcome));
      return false;
    };
    std::ifstream stream(file, std::ios::binary);
    if (!stream) return refused({{"", "cannot read the file"}});
    std::ostringstream xml;
    xml << stream.rdbuf();
    auto done = std::make_shared<std::promise<Result<ProcessModelInfo>>>();
    auto future = done->get_future();
    engine_->deploy(xml.str(), file.string(), [done](Result<ProcessModelInfo> result) { done->set_value(std::move(result)); });
    if (future.wait_for(kDeployTimeout) != std::future_status::ready) {
      fail(info_.name, "deploying " + file.string() + " did not finish in time");
    }
    const Result<ProcessModelInfo> result = future.get();
    if (!result) {
      // The store refused (it is down): not a problem of the model, and the host cannot run.
      if (result.error().status != ErrorStatus::unprocessable) {
        fail(info_.name, "cannot deploy " + file.string() + ": " + result.error().message);
      }
      return refused(problems_of(result.error().message, result.error().additional_information));
    }
    logger_.debug("deployed process model '" + result->id + "' (" + result->hash + ") from " + file.string());
    outcome.deployed = true;
    outcome.id = result->id;
    outcome.hash = result->hash;
    model_files_.add(std::move(outcome));
    return true;
  }

  NodeInfo info_;
  HostServiceRegistry& registry_;
  EngineMetrics metrics_;
  ComponentLogger logger_;
  engine::EngineOptions options_;
  std::vector<std::filesystem::path> process_models_;
  ModelFileReport& model_files_;
  std::unique_ptr<engine::Engine> engine_;
  bool started_ = false;
};

}  // namespace

void add_engine_nodes(std::vector<std::unique_ptr<HostNode>>& nodes, const HostConfig& config,
                      bool store_plugin_loaded, HostServiceRegistry& registry, LogSink& sink,
                      ModelFileReport& model_files) {
  if (!store_plugin_loaded) nodes.push_back(std::make_unique<MemoryStoreNode>(registry, sink));
  nodes.push_back(std::make_unique<EngineNode>(config, registry, sink, model_files));
}

}  // namespace processhost::host
