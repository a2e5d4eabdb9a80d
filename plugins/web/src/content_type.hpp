#pragma once
// The Content-Type of a static asset, from its file name's extension.

#include <filesystem>
#include <string_view>

namespace processhost::plugins::web {

// "application/octet-stream" for an extension the app does not use: the browser then
// neither runs nor renders the file (the answers also carry X-Content-Type-Options: nosniff).
std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace processhost::plugins::web
