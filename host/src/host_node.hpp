#pragma once
// One part of the running host in the dependency graph: a loaded plugin or a built-in part
// (the engine, the memory store). The host calls configure and start in dependency order,
// stop and destroy in reverse.

#include <string>
#include <vector>

namespace processhost::host {

struct NodeInfo {
  std::string name;
  std::string version;
  std::string library;  // the shared object; empty for built-in parts
  std::vector<std::string> provides;
  std::vector<std::string> requires_services;
};

class HostNode {
 public:
  virtual ~HostNode() = default;
  virtual const NodeInfo& info() const = 0;
  // Create and configure. Throws PluginError (one line naming the node and the reason).
  virtual void configure() = 0;
  // Throws PluginError.
  virtual void start() = 0;
  // Only after a successful start.
  virtual void stop() noexcept = 0;
  // After configure, whether it succeeded or not; idempotent.
  virtual void destroy() noexcept = 0;
};

}  // namespace processhost::host
