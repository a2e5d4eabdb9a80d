#include "plugin_node.hpp"

#include "schema_check.hpp"

namespace processhost::host {
namespace {

std::vector<std::string> service_list(const char* const* ids) {
  std::vector<std::string> list;
  for (; *ids != nullptr; ++ids) list.emplace_back(*ids);
  return list;
}

}  // namespace

PluginNode::PluginNode(PluginLibrary library, const PluginEntry& entry, HostServiceRegistry& registry,
                       RouteTable& routes, LogSink& sink)
    : library_(std::move(library)), entry_(entry), registry_(registry), routes_(routes) {
  const PluginDescriptor& descriptor = *library_.descriptor;
  info_.name = descriptor.name;
  info_.version = descriptor.version;
  info_.library = library_.file.string();
  info_.provides = service_list(descriptor.provides);
  info_.requires_services = service_list(descriptor.requirements);
  context_ = std::make_unique<PluginContext>(entry_, registry_, routes_, sink);
}

PluginNode::~PluginNode() {
  if (started_) stop();
  destroy();
  context_.reset();
}

void PluginNode::fail(const std::string& reason) const {
  throw PluginError(plugin_error_text(info_.name, library_.file, reason));
}

void PluginNode::check_config() const {
  const char* schema = library_.descriptor->config_schema;
  if (schema == nullptr) return;
  std::optional<std::string> problem;
  try {
    problem = check_against_schema(*entry_.config, schema);
  } catch (const std::exception& error) {
    fail(std::string("its config schema is broken: ") + error.what());
  }
  if (problem) fail("invalid config in " + entry_.config_file.string() + ": " + *problem);
}

void PluginNode::configure() {
  check_config();
  try {
    plugin_ = library_.descriptor->create(*context_);
  } catch (const std::exception& error) {
    fail(std::string("create failed: ") + error.what());
  } catch (...) {
    fail("create failed with a non-standard exception");
  }
  if (plugin_ == nullptr) fail("create returned no plugin object");
  try {
    plugin_->configure(*context_);
  } catch (const std::exception& error) {
    fail(std::string("configure failed: ") + error.what());
  } catch (...) {
    fail("configure failed with a non-standard exception");
  }
  for (const auto& service : info_.provides) {
    if (registry_.provider_of(service) != info_.name) {
      fail("declares service '" + service + "' but did not provide it in configure()");
    }
  }
}

void PluginNode::start() {
  try {
    plugin_->start(*context_);
  } catch (const std::exception& error) {
    fail(std::string("start failed: ") + error.what());
  } catch (...) {
    fail("start failed with a non-standard exception");
  }
  started_ = true;
}

void PluginNode::stop() noexcept {
  if (!started_) return;
  started_ = false;
  plugin_->stop();
  routes_.remove_owner(info_.name);
}

void PluginNode::destroy() noexcept {
  // Routes and services hold the plugin's code and objects: they go before the object.
  routes_.remove_owner(info_.name);
  registry_.withdraw(info_.name);
  if (plugin_ == nullptr) return;
  library_.descriptor->destroy(plugin_);
  plugin_ = nullptr;
}

}  // namespace processhost::host
