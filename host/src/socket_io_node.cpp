#include "socket_io_node.hpp"

namespace processhost::host {
namespace {

class SocketIoNode final : public HostNode {
 public:
  SocketIoNode(HostServiceRegistry& registry, SocketIoService& service) : registry_(registry), service_(service) {
    info_ = {"socket_io", PROCESSHOST_VERSION, "", {std::string(SocketIoService::kServiceId)}, {}};
  }
  const NodeInfo& info() const override { return info_; }
  void configure() override { registry_.provide(info_.name, SocketIoService::kServiceId, &service_); }
  void start() override {}
  void stop() noexcept override {}
  void destroy() noexcept override { registry_.withdraw(info_.name); }

 private:
  NodeInfo info_;
  HostServiceRegistry& registry_;
  SocketIoService& service_;
};

}  // namespace

std::unique_ptr<HostNode> make_socket_io_node(HostServiceRegistry& registry, SocketIoService& service) {
  return std::make_unique<SocketIoNode>(registry, service);
}

}  // namespace processhost::host
