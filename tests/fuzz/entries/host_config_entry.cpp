#include <stdlib.h>

#include <fstream>

#include "fuzz_entries.hpp"
#include "host_config.hpp"

namespace processhost::fuzz {
namespace {

namespace fs = std::filesystem;

// A private folder laid out like config/demo (processes/, plugin config files), so that the
// seed configs' relative paths resolve as in a real config folder. Made once per process, removed at exit.
struct ConfigFolder {
  ConfigFolder() {
    std::string pattern = (fs::temp_directory_path() / "processhost-fuzz-config-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) finding("cannot create a temporary folder");
    dir = pattern;
    fs::create_directories(dir / "processes");
    std::ofstream(dir / "processes" / "sample.bpmn") << "<definitions/>";
    fs::create_directories(dir / "iam");
    std::ofstream(dir / "iam" / "iam.json") << R"({"secret": "s"})";
    fs::create_directories(dir / "data_sources");
    std::ofstream(dir / "data_sources" / "postgres.json") << R"({"host": "127.0.0.1"})";
  }
  ~ConfigFolder() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  fs::path dir;
};

}  // namespace

std::string host_config(std::string_view input) {
  static const ConfigFolder folder;
  const fs::path& dir = folder.dir;
  const fs::path file = dir / "host.json";
  {
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  try {
    const auto config = host::load_host_config(file, dir / "plugins");
    return "accepted, " + std::to_string(config.plugins.size()) + " plugins";
  } catch (const host::ConfigError& error) {
    // One line naming the file, as the contract says; the outcome shows it without the
    // private folder's random name.
    std::string message = error.what();
    const std::string folder = dir.string();
    if (message.find(folder) == std::string::npos) finding("a config error does not name the file: " + message);
    for (auto at = message.find(folder); at != std::string::npos; at = message.find(folder, at)) {
      message.replace(at, folder.size(), "<dir>");
    }
    return "rejected: " + message;
  }
}

}  // namespace processhost::fuzz
