#pragma once
// The host's JSON config (docs/configuration.md): read, validated against its schema,
// relative paths resolved against the config file's folder.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "processhost/json.hpp"
#include "processhost/logger.hpp"

namespace processhost::host {

// A config that cannot be used. what() is one line naming the file and, where it applies,
// the JSON pointer of the bad value and what was expected.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  // Largest request body of a route that declares no limit of its own (maxBodyBytes).
  std::size_t max_body_bytes = 1024 * 1024;
  // Largest request line plus header fields (maxHeaderBytes): room for an 8 KiB token, so
  // that an oversized token is refused by the identity plugin with 401, not here.
  std::size_t max_header_bytes = 16 * 1024;
  JsonLimits json_limits;  // maxJsonDepth, maxJsonStringBytes, maxJsonMembers
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds drain_timeout{5000};
  unsigned threads = 2;
  std::size_t pipeline_limit = 8;
};

// The socket.io endpoint (config "notifications").
struct NotificationsConfig {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  // Bytes queued for one connection and not yet taken by the client; beyond it the
  // connection is closed.
  std::size_t max_queued_bytes = 1024 * 1024;
};

struct EngineConfig {
  unsigned worker_threads = 2;
  std::chrono::milliseconds script_budget{1000};
  std::size_t script_memory_limit_mib = 64;
  unsigned max_script_threads = 32;
  std::chrono::milliseconds waiting_count_interval{15000};
  // History retention (engine::EngineOptions); 0 seconds keeps ended instances forever.
  std::chrono::seconds history_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds history_cleanup_interval{60000};
  std::size_t history_cleanup_batch = 100;
  std::chrono::milliseconds history_cleanup_pause{200};
  // Store timers claimed by every host (engine::EngineOptions); 0 polls not at all.
  std::chrono::milliseconds timer_poll_interval{500};
  std::chrono::milliseconds timer_lease{5000};
  std::chrono::milliseconds cluster_recheck_interval{5000};
};

struct PluginEntry {
  std::string name;
  std::filesystem::path library;  // absolute
  bool enabled = true;
  // The plugin's config object (an empty object when absent); shared so copies are cheap.
  std::shared_ptr<rapidjson::Document> config;
  std::filesystem::path config_file;  // the plugin's config file, or the host config file
  std::filesystem::path config_dir;
};

struct HostConfig {
  std::filesystem::path file;  // absolute
  std::filesystem::path dir;   // folder of file
  HttpConfig http;
  EngineConfig engine;
  NotificationsConfig notifications;
  LogLevel log_level = LogLevel::info;
  std::string log_format = "text";
  std::vector<std::filesystem::path> process_models;  // absolute .bpmn files, folders expanded
  std::filesystem::path plugin_dir;                    // absolute
  std::vector<PluginEntry> plugins;                    // enabled and disabled, in config order
};

// The config's JSON schema (draft 4).
const char* host_config_schema();

// Reads and validates the config at file. default_plugin_dir is used when the config
// names no pluginDir. Throws ConfigError.
HostConfig load_host_config(const std::filesystem::path& file, const std::filesystem::path& default_plugin_dir);

}  // namespace processhost::host
