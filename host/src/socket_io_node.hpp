#pragma once
// "socket_io": the built-in part of the host's graph that provides processhost.socket_io/1,
// the host's socket.io endpoint on which plugins open namespaces. The endpoint itself is
// owned by the host (it must outlive every plugin and close before the HTTP server stops).

#include <memory>

#include "host_node.hpp"
#include "processhost/services/socket_io.hpp"
#include "service_registry.hpp"

namespace processhost::host {

std::unique_ptr<HostNode> make_socket_io_node(HostServiceRegistry& registry, SocketIoService& service);

}  // namespace processhost::host
