#include "static_assets.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "content_type.hpp"

namespace processhost::plugins::web {
namespace {

// A validator, not a security measure: FNV-1a is enough to tell two versions of a file
// apart, and needs no library for a few hundred kilobytes read once.
std::string etag_of(const std::string& body) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : body) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  std::ostringstream text;
  text << '"' << std::hex << hash << '-' << std::dec << body.size() << '"';
  return text.str();
}

bool is_hidden(const std::filesystem::path& relative) {
  for (const auto& part : relative) {
    if (!part.empty() && part.string().front() == '.') return true;
  }
  return false;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read web asset '" + file.string() + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::map<std::string, StaticAsset> load_static_assets(const std::filesystem::path& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    throw std::runtime_error("the web assets folder '" + root.string() + "' does not exist");
  }
  std::map<std::string, StaticAsset> assets;
  // The iterator does not follow symbolic links to folders; files that are links are skipped.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_symlink() || !entry.is_regular_file()) continue;
    const std::filesystem::path relative = entry.path().lexically_relative(root);
    if (is_hidden(relative)) continue;
    StaticAsset asset;
    asset.body = read_file(entry.path());
    asset.content_type = std::string(content_type_for(entry.path()));
    asset.etag = etag_of(asset.body);
    assets.emplace(relative.generic_string(), std::move(asset));
  }
  if (assets.count("index.html") == 0) {
    throw std::runtime_error("the web assets folder '" + root.string() + "' holds no index.html");
  }
  return assets;
}

}  // namespace processhost::plugins::web
