#include "builtin_nodes.hpp"

#include "engine_node.hpp"
#include "socket_io_node.hpp"

namespace processhost::host {

std::vector<std::unique_ptr<HostNode>> make_builtin_nodes(const HostConfig& config, bool store_plugin_loaded,
                                                          HostServiceRegistry& registry, LogSink& sink,
                                                          ModelFileReport& model_files, SocketIoService& socket_io) {
  std::vector<std::unique_ptr<HostNode>> nodes;
  add_engine_nodes(nodes, config, store_plugin_loaded, registry, sink, model_files);
  nodes.push_back(make_socket_io_node(registry, socket_io));
  return nodes;
}

}  // namespace processhost::host
