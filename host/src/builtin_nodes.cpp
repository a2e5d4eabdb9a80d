#include "builtin_nodes.hpp"

#include "engine_node.hpp"

namespace processhost::host {

std::vector<std::unique_ptr<HostNode>> make_builtin_nodes(const HostConfig& config, bool store_plugin_loaded,
                                                          HostServiceRegistry& registry, LogSink& sink,
                                                          ModelFileReport& model_files) {
  std::vector<std::unique_ptr<HostNode>> nodes;
  add_engine_nodes(nodes, config, store_plugin_loaded, registry, sink, model_files);
  return nodes;
}

}  // namespace processhost::host
