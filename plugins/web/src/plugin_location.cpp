#include "plugin_location.hpp"

#include <dlfcn.h>

#include <stdexcept>

namespace processhost::plugins::web {

std::filesystem::path plugin_directory() {
  Dl_info info{};
  // Any address inside this shared object names it; this function's own is at hand.
  if (dladdr(reinterpret_cast<void*>(&plugin_directory), &info) == 0 || info.dli_fname == nullptr) {
    throw std::runtime_error("cannot find the web plugin's own file to locate its assets");
  }
  return std::filesystem::absolute(info.dli_fname).parent_path();
}

}  // namespace processhost::plugins::web
