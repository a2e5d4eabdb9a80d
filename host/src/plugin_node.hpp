#pragma once
// A loaded plugin in the host's graph: its library, its descriptor, its context and the
// Plugin object once created. The library is the first member: it is released last, after
// the plugin object and everything else that came from its code.

#include <memory>

#include "host_config.hpp"
#include "host_node.hpp"
#include "plugin_context.hpp"
#include "plugin_library.hpp"

namespace processhost::host {

class PluginNode final : public HostNode {
 public:
  PluginNode(PluginLibrary library, const PluginEntry& entry, HostServiceRegistry& registry, RouteTable& routes,
             LogSink& sink);
  ~PluginNode() override;

  const NodeInfo& info() const override { return info_; }
  // Validates the config against the descriptor's schema, creates, configures, and checks
  // that every declared service was provided.
  void configure() override;
  void start() override;
  void stop() noexcept override;
  void destroy() noexcept override;

  // Only the schema check of configure(), without running plugin code (--check-config).
  void check_config() const;

 private:
  [[noreturn]] void fail(const std::string& reason) const;

  PluginLibrary library_;
  NodeInfo info_;
  const PluginEntry entry_;
  HostServiceRegistry& registry_;
  RouteTable& routes_;
  std::unique_ptr<PluginContext> context_;
  Plugin* plugin_ = nullptr;
  bool started_ = false;
};

}  // namespace processhost::host
