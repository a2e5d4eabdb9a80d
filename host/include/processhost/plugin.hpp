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
inline constexpr std::uint32_t kPluginApiVersion = 2;

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

}  // namespace processhost

// Defines the plugin's entry symbol. Use once per plugin, at namespace scope:
//   PROCESSHOST_PLUGIN(descriptor)   where descriptor is a PluginDescriptor with static storage.
#define PROCESSHOST_PLUGIN(descriptor_object)                                                       \
  extern "C" __attribute__((visibility("default"))) const ::processhost::PluginDescriptor* \
  processhost_plugin_descriptor() noexcept {                                                      \
    return &(descriptor_object);                                                                  \
  }
