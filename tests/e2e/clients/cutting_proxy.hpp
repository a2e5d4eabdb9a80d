#pragma once
// A TCP forwarder on 127.0.0.1 (port 0) to a port on 127.0.0.1, for cutting a client's
// connections to the real host the way a network failure does: the host keeps running and
// keeps its state, the client sees its connection end. Runs on its own thread; the
// destructor closes everything.

#include <cstdint>
#include <memory>

namespace processhost::testing {

class CuttingProxy {
 public:
  explicit CuttingProxy(std::uint16_t target_port);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  std::uint16_t port() const;
  // Closes every forwarded connection (returns once they are closed). From then on new
  // connections are closed as soon as they are accepted, until pass_again().
  void cut();
  void pass_again();
  // Connections accepted and forwarded so far.
  std::size_t forwarded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace processhost::testing
