#pragma once
// The app's files, read once into memory when the plugin is configured, so that answering
// a request never touches the disk (the I/O threads must not block).

#include <filesystem>
#include <map>
#include <string>

namespace processhost::plugins::web {

struct StaticAsset {
  std::string content_type;
  std::string body;
  std::string etag;  // quoted, as the ETag header carries it
};

// Every regular file under root, keyed by its path relative to root with '/' separators
// ("js/app.js"). Symbolic links and names that start with '.' are skipped, so nothing
// outside root and no hidden file is ever served. Throws std::runtime_error naming the
// folder when root is not a readable directory or holds no index.html.
std::map<std::string, StaticAsset> load_static_assets(const std::filesystem::path& root);

}  // namespace processhost::plugins::web
