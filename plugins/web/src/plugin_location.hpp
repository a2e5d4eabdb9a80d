#pragma once
// Where this plugin's shared object lies: its assets are installed beside it.

#include <filesystem>

namespace processhost::plugins::web {

// The folder of the loaded web.so. Throws std::runtime_error when the loader cannot say.
std::filesystem::path plugin_directory();

}  // namespace processhost::plugins::web
