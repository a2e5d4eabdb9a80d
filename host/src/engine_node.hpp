#pragma once
// The engine and the built-in memory store as parts of the host's graph.
//
// "engine" provides processhost.engine/1 and requires processhost.store/1. Its start loads
// the store's state (engine.start), then deploys the config's processModels, waiting for
// each, so every plugin that requires the engine starts with the models in place. A file
// that cannot be deployed is logged with every problem and recorded in model_files; the
// host starts without it.
// "memory_store" provides processhost.store/1 when no plugin does; its state is volatile.

#include <memory>
#include <vector>

#include "host_config.hpp"
#include "host_node.hpp"
#include "log_sink.hpp"
#include "model_files.hpp"
#include "service_registry.hpp"

namespace processhost::host {

void add_engine_nodes(std::vector<std::unique_ptr<HostNode>>& nodes, const HostConfig& config,
                      bool store_plugin_loaded, HostServiceRegistry& registry, LogSink& sink,
                      ModelFileReport& model_files);

}  // namespace processhost::host
