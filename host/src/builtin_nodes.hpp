#pragma once
// The built-in parts of the host's graph: "engine" (provides processhost.engine/1 and
// processhost.service_task_methods/1, requires processhost.store/1) and, when no plugin
// provides a store, "memory_store" (processhost.store/1, volatile, said loudly in the log);
// "socket_io" (processhost.socket_io/1, the host's socket.io endpoint).

#include <memory>
#include <vector>

#include "host_config.hpp"
#include "host_node.hpp"
#include "log_sink.hpp"
#include "model_files.hpp"
#include "processhost/services/socket_io.hpp"
#include "service_registry.hpp"

namespace processhost::host {

std::vector<std::unique_ptr<HostNode>> make_builtin_nodes(const HostConfig& config, bool store_plugin_loaded,
                                                          HostServiceRegistry& registry, LogSink& sink,
                                                          ModelFileReport& model_files, SocketIoService& socket_io);

}  // namespace processhost::host
