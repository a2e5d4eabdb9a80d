#include "plugin_library.hpp"

#include <cstring>

namespace processhost::host {
namespace {

// RTLD_NOW: unresolved symbols fail here, with the linker's message, not at first call.
// RTLD_LOCAL: plugins do not see each other's symbols.
constexpr auto kLoadMode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;

bool null_terminated_list_ok(const char* const* list) {
  if (list == nullptr) return false;
  for (std::size_t i = 0; i < 1024; ++i) {
    if (list[i] == nullptr) return true;
  }
  return false;
}

// Boost.DLL wraps dlerror()'s text (missing dependency, undefined symbol, wrong ELF class);
// the user needs only that text.
std::string loader_reason(std::string text) {
  const std::string marker = "dlerror system message: ";
  const auto at = text.find(marker);
  if (at == std::string::npos) return text;
  text = text.substr(at + marker.size());
  const auto end = text.rfind("): ");
  if (end != std::string::npos) {
    text.erase(end);
  } else if (!text.empty() && text.back() == ')') {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string plugin_error_text(const std::string& name, const std::filesystem::path& file, const std::string& reason) {
  return "plugin '" + name + "' (" + file.string() + "): " + reason;
}

PluginLibrary load_plugin_library(const std::string& expected_name, const std::filesystem::path& file) {
  const auto fail = [&](const std::string& reason) {
    throw PluginError(plugin_error_text(expected_name, file, reason));
  };
  if (!std::filesystem::exists(file)) fail("no such file");

  PluginLibrary loaded;
  loaded.file = file;
  try {
    loaded.library.load(file, kLoadMode);
  } catch (const std::exception& error) {
    fail("cannot load: " + loader_reason(error.what()));
  }
  if (!loaded.library.has(kDescriptorEntryName)) {
    fail(std::string("entry point not found: the library does not export '") + kDescriptorEntryName + "'");
  }
  const auto entry = loaded.library.get<const PluginDescriptor*() noexcept>(kDescriptorEntryName);
  const PluginDescriptor* descriptor = entry();
  if (descriptor == nullptr) fail(std::string("'") + kDescriptorEntryName + "' returned no descriptor");
  if (descriptor->api_version != kPluginApiVersion) {
    fail("wrong API version: got " + std::to_string(descriptor->api_version) + ", supported " +
         std::to_string(kPluginApiVersion));
  }
  if (descriptor->abi_tag == nullptr) fail("descriptor field 'abi_tag' is null");
  if (std::strcmp(descriptor->abi_tag, PROCESSHOST_ABI_TAG) != 0) {
    fail(std::string("not binary compatible: plugin built as '") + descriptor->abi_tag + "', host is '" +
         PROCESSHOST_ABI_TAG + "'; rebuild the plugin against this SDK");
  }
  if (descriptor->name == nullptr) fail("descriptor field 'name' is null");
  if (descriptor->version == nullptr) fail("descriptor field 'version' is null");
  if (!null_terminated_list_ok(descriptor->provides)) fail("descriptor field 'provides' is null or not terminated");
  if (!null_terminated_list_ok(descriptor->requirements)) {
    fail("descriptor field 'requirements' is null or not terminated");
  }
  if (descriptor->create == nullptr) fail("descriptor field 'create' is null");
  if (descriptor->destroy == nullptr) fail("descriptor field 'destroy' is null");
  if (expected_name != descriptor->name) {
    fail(std::string("the library is plugin '") + descriptor->name + "', not '" + expected_name + "'");
  }
  loaded.descriptor = descriptor;
  return loaded;
}

}  // namespace processhost::host
