#include "builtin_nodes.hpp"

#ifdef PROCESSHOST_WITH_ENGINE
#include "engine_node.hpp"
#endif

namespace processhost::host {

bool engine_built_in() {
#ifdef PROCESSHOST_WITH_ENGINE
  return true;
#else
  return false;
#endif
}

std::vector<std::unique_ptr<HostNode>> make_builtin_nodes([[maybe_unused]] const HostConfig& config,
                                                          [[maybe_unused]] bool store_plugin_loaded,
                                                          [[maybe_unused]] HostServiceRegistry& registry,
                                                          [[maybe_unused]] LogSink& sink) {
  std::vector<std::unique_ptr<HostNode>> nodes;
#ifdef PROCESSHOST_WITH_ENGINE
  add_engine_nodes(nodes, config, store_plugin_loaded, registry, sink);
#endif
  return nodes;
}

}  // namespace processhost::host
