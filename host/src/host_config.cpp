#include "host_config.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "log_sink.hpp"
#include "processhost/json.hpp"
#include "schema_check.hpp"

namespace processhost::host {
namespace fs = std::filesystem;
namespace {

std::shared_ptr<rapidjson::Document> read_json_file(const fs::path& file, const std::string& what) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw ConfigError(file.string() + ": cannot read " + what + " (" +
                      (fs::exists(file) ? "permission denied or not a file" : "no such file") + ")");
  }
  std::ostringstream text;
  text << stream.rdbuf();
  auto document = std::make_shared<rapidjson::Document>();
  if (auto error = json_parse(text.str(), *document)) {
    throw ConfigError(file.string() + ": not valid JSON: " + error->message);
  }
  return document;
}

fs::path absolute_under(const fs::path& dir, const std::string& path) {
  const fs::path candidate(path);
  return (candidate.is_absolute() ? candidate : dir / candidate).lexically_normal();
}

std::chrono::milliseconds millis(const rapidjson::Value& object, const char* key, std::chrono::milliseconds fallback) {
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() ? fallback : std::chrono::milliseconds(found->value.GetInt64());
}

template <class Number>
Number number(const rapidjson::Value& object, const char* key, Number fallback) {
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() ? fallback : static_cast<Number>(found->value.GetUint64());
}

void read_http(const rapidjson::Value& root, HttpConfig& http) {
  const auto found = root.FindMember("http");
  if (found == root.MemberEnd()) return;
  const auto& object = found->value;
  if (object.HasMember("host")) http.host = object["host"].GetString();
  http.port = number<std::uint16_t>(object, "port", http.port);
  // bodyLimitBytes is the key's earlier name, still read; load_host_config refuses both at once.
  http.max_body_bytes = number<std::size_t>(object, "bodyLimitBytes", http.max_body_bytes);
  http.max_body_bytes = number<std::size_t>(object, "maxBodyBytes", http.max_body_bytes);
  http.max_header_bytes = number<std::size_t>(object, "maxHeaderBytes", http.max_header_bytes);
  auto& json = http.json_limits;
  json.max_depth = number<std::size_t>(object, "maxJsonDepth", json.max_depth);
  json.max_string_bytes = number<std::size_t>(object, "maxJsonStringBytes", json.max_string_bytes);
  json.max_members = number<std::size_t>(object, "maxJsonMembers", json.max_members);
  http.read_timeout = millis(object, "readTimeoutMs", http.read_timeout);
  http.write_timeout = millis(object, "writeTimeoutMs", http.write_timeout);
  http.drain_timeout = millis(object, "drainTimeoutMs", http.drain_timeout);
  http.threads = number<unsigned>(object, "threads", http.threads);
  http.pipeline_limit = number<std::size_t>(object, "pipelineLimit", http.pipeline_limit);
}

void read_engine(const rapidjson::Value& root, EngineConfig& engine) {
  const auto found = root.FindMember("engine");
  if (found == root.MemberEnd()) return;
  engine.worker_threads = number<unsigned>(found->value, "workerThreads", engine.worker_threads);
  engine.script_budget = millis(found->value, "scriptBudgetMs", engine.script_budget);
  engine.script_memory_limit_mib =
      number<std::size_t>(found->value, "scriptMemoryLimitMiB", engine.script_memory_limit_mib);
  engine.max_script_threads = number<unsigned>(found->value, "maxScriptThreads", engine.max_script_threads);
  engine.waiting_count_interval = millis(found->value, "waitingCountIntervalMs", engine.waiting_count_interval);
  engine.history_ttl =
      std::chrono::seconds(number<std::int64_t>(found->value, "historyTtlSeconds", engine.history_ttl.count()));
  engine.history_cleanup_interval =
      millis(found->value, "historyCleanupIntervalMs", engine.history_cleanup_interval);
  engine.history_cleanup_batch = number<std::size_t>(found->value, "historyCleanupBatch", engine.history_cleanup_batch);
  engine.history_cleanup_pause = millis(found->value, "historyCleanupPauseMs", engine.history_cleanup_pause);
  engine.timer_poll_interval = millis(found->value, "timerPollIntervalMs", engine.timer_poll_interval);
  engine.timer_lease = millis(found->value, "timerLeaseMs", engine.timer_lease);
  engine.cluster_recheck_interval =
      millis(found->value, "clusterRecheckIntervalMs", engine.cluster_recheck_interval);
}

void read_notifications(const rapidjson::Value& root, NotificationsConfig& notifications) {
  const auto found = root.FindMember("notifications");
  if (found == root.MemberEnd()) return;
  notifications.ping_interval = millis(found->value, "pingIntervalMs", notifications.ping_interval);
  notifications.ping_timeout = millis(found->value, "pingTimeoutMs", notifications.ping_timeout);
  notifications.max_queued_bytes =
      number<std::size_t>(found->value, "maxQueuedBytes", notifications.max_queued_bytes);
}

void read_log(const rapidjson::Value& root, HostConfig& config) {
  const auto found = root.FindMember("log");
  if (found == root.MemberEnd()) return;
  if (found->value.HasMember("level")) parse_log_level(found->value["level"].GetString(), config.log_level);
  if (found->value.HasMember("format")) config.log_format = found->value["format"].GetString();
}

void read_process_models(const rapidjson::Value& root, HostConfig& config) {
  const auto found = root.FindMember("processModels");
  if (found == root.MemberEnd()) return;
  std::size_t index = 0;
  for (const auto& item : found->value.GetArray()) {
    const fs::path path = absolute_under(config.dir, item.GetString());
    const std::string where = config.file.string() + ": /processModels/" + std::to_string(index++) + ": ";
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".bpmn") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) throw ConfigError(where + "folder " + path.string() + " holds no .bpmn file");
      config.process_models.insert(config.process_models.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(path, error)) {
      config.process_models.push_back(path);
    } else {
      throw ConfigError(where + "no such file or folder: " + path.string());
    }
  }
}

PluginEntry read_plugin(const rapidjson::Value& item, const HostConfig& config, std::size_t index) {
  PluginEntry plugin;
  plugin.name = item["name"].GetString();
  plugin.library = item.HasMember("library") ? absolute_under(config.dir, item["library"].GetString())
                                             : config.plugin_dir / (plugin.name + ".so");
  plugin.enabled = !item.HasMember("enabled") || item["enabled"].GetBool();
  plugin.config_file = config.file;
  plugin.config_dir = config.dir;
  const auto found = item.FindMember("config");
  if (found == item.MemberEnd()) {
    plugin.config = std::make_shared<rapidjson::Document>();
    plugin.config->SetObject();
  } else if (found->value.IsString()) {
    const fs::path file = absolute_under(config.dir, found->value.GetString());
    if (!fs::is_regular_file(file)) {
      throw ConfigError(config.file.string() + ": /plugins/" + std::to_string(index) +
                        "/config: no such file: " + file.string());
    }
    plugin.config = read_json_file(file, "the config of plugin '" + plugin.name + "'");
    if (!plugin.config->IsObject()) {
      throw ConfigError(file.string() + ": expected a JSON object, got " +
                        std::string(json_type_name(*plugin.config)));
    }
    plugin.config_file = file;
    plugin.config_dir = file.parent_path();
  } else {
    plugin.config = std::make_shared<rapidjson::Document>();
    plugin.config->CopyFrom(found->value, plugin.config->GetAllocator());
  }
  return plugin;
}

}  // namespace

HostConfig load_host_config(const fs::path& file, const fs::path& default_plugin_dir) {
  HostConfig config;
  config.file = fs::absolute(file).lexically_normal();
  config.dir = config.file.parent_path();
  const auto document = read_json_file(config.file, "the host config");
  if (auto error = check_against_schema(*document, host_config_schema())) {
    throw ConfigError(config.file.string() + ": " + *error);
  }
  const rapidjson::Value& root = *document;
  if (root.HasMember("http") && root["http"].HasMember("maxBodyBytes") && root["http"].HasMember("bodyLimitBytes")) {
    throw ConfigError(config.file.string() +
                      ": /http: bodyLimitBytes is the earlier name of maxBodyBytes; give only maxBodyBytes");
  }
  read_http(root, config.http);
  read_engine(root, config.engine);
  read_notifications(root, config.notifications);
  read_log(root, config);
  config.plugin_dir = root.HasMember("pluginDir") ? absolute_under(config.dir, root["pluginDir"].GetString())
                                                  : default_plugin_dir.lexically_normal();
  read_process_models(root, config);
  if (root.HasMember("plugins")) {
    std::set<std::string> names;
    std::size_t index = 0;
    for (const auto& item : root["plugins"].GetArray()) {
      PluginEntry plugin = read_plugin(item, config, index);
      if (!names.insert(plugin.name).second) {
        throw ConfigError(config.file.string() + ": /plugins/" + std::to_string(index) + "/name: plugin '" +
                          plugin.name + "' is listed twice");
      }
      config.plugins.push_back(std::move(plugin));
      ++index;
    }
  }
  return config;
}

}  // namespace processhost::host
