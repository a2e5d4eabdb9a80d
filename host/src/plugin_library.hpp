#pragma once
// Loads one plugin's shared object and checks its descriptor, in this order: the file
// loads, the entry symbol exists, the entry returns a descriptor, the API version matches,
// the ABI tag matches, the pointers are set. Only the entry function of the plugin runs.

#include <filesystem>
#include <stdexcept>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "processhost/plugin.hpp"

namespace processhost::host {

// A plugin that cannot be loaded or started. what() is the single line the host prints:
// "plugin '<name>' (<file>): <reason>".
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The loaded code and its checked descriptor. The library handle is the first member, so
// anything destroyed later in a holder cannot outlive the code. Move-only.
struct PluginLibrary {
  boost::dll::shared_library library;
  const PluginDescriptor* descriptor = nullptr;
  std::filesystem::path file;
};

// Throws PluginError with the reason: cannot load, no entry symbol, null descriptor,
// wrong API version, wrong ABI tag, null field, or a name other than expected_name.
PluginLibrary load_plugin_library(const std::string& expected_name, const std::filesystem::path& file);

// "plugin '<name>' (<file>): <reason>"
std::string plugin_error_text(const std::string& name, const std::filesystem::path& file, const std::string& reason);

}  // namespace processhost::host
