#pragma once
// The plugin boundary: one extern "C" entry, processhost_plugin_descriptor(), returns a
// POD descriptor. The host checks api_version, then abi_tag, then the pointers, before it
// runs any other code of the plugin.
//
// Lifecycle: create -> configure -> start (in provides/requires order) -> serve ->
// stop -> destroy (in reverse). configure and start may throw: the host stops start-up
// with one line naming the plugin and the exception's message. Nothing a plugin created
// (threads, callbacks, routes, listeners) may outlive its stop().

#include <cstdint>

#include <boost/version.hpp>

#include "processhost/host_context.hpp"

namespace processhost {

// Bumped whenever the descriptor or any SDK interface changes incompatibly.
inline constexpr std::uint32_t kPluginApiVersion = 3;

#define PROCESSHOST_STRINGIFY_IMPL(x) #x
#define PROCESSHOST_STRINGIFY(x) PROCESSHOST_STRINGIFY_IMPL(x)

// Build facts that must match between host and plugin for C++ objects to cross.
#define PROCESSHOST_ABI_TAG                                                          \
  "gcc" PROCESSHOST_STRINGIFY(__GNUC__) "/cxx11abi" PROCESSHOST_STRINGIFY(          \
      _GLIBCXX_USE_CXX11_ABI) "/boost" PROCESSHOST_STRINGIFY(BOOST_VERSION) "/cplusplus" \
      PROCESSHOST_STRINGIFY(__cplusplus)

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Read and check the config; register services and routes. May throw.
  virtual void configure(HostContext& context) = 0;
  // Open connections, start threads; required services are started already. May throw.
  virtual void start(HostContext& context) = 0;
  // Stop threads, drop callbacks, remove listeners. Must not throw.
  virtual void stop() noexcept = 0;
};

extern "C" {
struct PluginDescriptor {
  std::uint32_t api_version;  // first field, always: kPluginApiVersion
  const char* abi_tag;        // PROCESSHOST_ABI_TAG
  const char* name;
  const char* version;
  const char* const* provides;       // service ids, nullptr-terminated
  const char* const* requirements;   // service ids, nullptr-terminated
  const char* config_schema;         // JSON schema of the plugin's config, or nullptr
  Plugin* (*create)(HostContext& context);
  void (*destroy)(Plugin* plugin) noexcept;
};
}

using DescriptorEntry = const PluginDescriptor* (*)() noexcept;
inline constexpr const char* kDescriptorEntryName = "processhost_plugin_descriptor";

// A nullptr-terminated list of service ids, taken from the services' kServiceId:
//   .requirements = service_ids<EngineService, ServiceTaskMethods>
template <class... Services>
inline constexpr const char* service_ids[sizeof...(Services) + 1] = {Services::kServiceId.data()..., nullptr};

// create for a plugin class that is default-constructible.
template <class PluginClass>
Plugin* create_plugin(HostContext& /*context*/) {
  return new PluginClass();
}

// destroy for a plugin that create made with new.
inline void destroy_plugin(Plugin* plugin) noexcept { delete plugin; }

// What a plugin says about itself; PROCESSHOST_PLUGIN turns it into the PluginDescriptor.
// Fields in this order (designated initializers must keep it); name, version and create
// are required, the rest have the defaults shown.
struct PluginInfo {
  const char* name = nullptr;
  const char* version = nullptr;                // PROCESSHOST_PLUGIN_VERSION: the project's version
  const char* const* provides = service_ids<>;  // service ids, nullptr-terminated
  const char* const* requirements = service_ids<>;
  const char* config_schema = nullptr;  // JSON schema of the plugin's config, or nullptr
  Plugin* (*create)(HostContext& context) = nullptr;
  void (*destroy)(Plugin* plugin) noexcept = &destroy_plugin;
};

// Fills in what every plugin states the same way: the API version and the ABI tag of the
// build that compiles the plugin.
constexpr PluginDescriptor describe_plugin(const PluginInfo& info) {
  return PluginDescriptor{kPluginApiVersion,
                          PROCESSHOST_ABI_TAG,
                          info.name,
                          info.version,
                          info.provides,
                          info.requirements,
                          info.config_schema,
                          info.create,
                          info.destroy};
}

}  // namespace processhost

// Declares the plugin: defines its entry symbol, which returns the descriptor built from
// the named fields of PluginInfo. Use once per plugin, at namespace scope (not inside an
// unnamed namespace: the entry symbol needs external linkage):
//   namespace processhost::plugins::audit_log {
//   PROCESSHOST_PLUGIN(.name = "audit_log",
//                      .version = PROCESSHOST_PLUGIN_VERSION,
//                      .requirements = service_ids<EngineService>,
//                      .config_schema = kConfigSchema,
//                      .create = &create_plugin<AuditLogPlugin>)
//   }
#define PROCESSHOST_PLUGIN(...)                                                                   \
  extern "C" __attribute__((visibility("default"))) const ::processhost::PluginDescriptor*      \
  processhost_plugin_descriptor() noexcept {                                                     \
    static const ::processhost::PluginDescriptor kProcessHostPluginDescriptor =                 \
        ::processhost::describe_plugin(::processhost::PluginInfo{__VA_ARGS__});                  \
    return &kProcessHostPluginDescriptor;                                                        \
  }
