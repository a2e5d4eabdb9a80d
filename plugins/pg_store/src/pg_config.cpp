#include "pg_config.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "processhost/json.hpp"

namespace processhost::plugins::pg_store {
namespace {

std::string quote_conninfo_value(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += "'";
  return quoted;
}

struct ConninfoOption {
  std::string keyword;
  std::string value;
};

// The keyword/value pairs a libpq URL or conninfo string sets, via libpq's own parser.
std::vector<ConninfoOption> parse_conninfo(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(url.c_str(), &error),
                                                                        PQconninfoFree);
  if (!options) {
    std::string message = error ? error : "out of memory";
    if (error) PQfreemem(error);
    throw std::runtime_error("the connection URL (\"url\" or PROCESSHOST_PG_URL) is not a valid PostgreSQL connection string: " +
                             message);
  }
  std::vector<ConninfoOption> result;
  for (auto* option = options.get(); option->keyword; ++option) {
    if (option->val && *option->val) result.push_back({option->keyword, option->val});
  }
  return result;
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
  throw std::runtime_error("pg_store config " + file.string() + ": " + message);
}

std::string string_field(const rapidjson::Value& object, const char* name, std::string fallback,
                         const std::filesystem::path& file) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return fallback;
  if (!it->value.IsString()) fail(file, std::string("\"") + name + "\" must be a string");
  return it->value.GetString();
}

std::int64_t int_field(const rapidjson::Value& object, const char* name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max, const std::filesystem::path& file) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return fallback;
  if (!it->value.IsInt64() || it->value.GetInt64() < min || it->value.GetInt64() > max) {
    fail(file, std::string("\"") + name + "\" must be an integer from " + std::to_string(min) + " to " +
                   std::to_string(max));
  }
  return it->value.GetInt64();
}

rapidjson::Document read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("pg_store config " + path.string() + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document document;
  if (auto error = json_parse(text.str(), document)) fail(path, "invalid JSON: " + error->message);
  return document;
}

void apply_settings(const rapidjson::Value& object, PgConfig& config) {
  const auto& file = config.source_file;
  if (!object.IsObject()) fail(file, "must be a JSON object");
  static constexpr const char* kKnown[] = {"host",     "port",     "database",           "user",
                                           "password", "poolSize", "statementTimeoutMs", "connectTimeoutSeconds",
                                           "maxQueuedRequests", "maxCommitBatch", "maxCommitConnections", "hints", "file",
                                           "url",      "failoverWindowMs", "hintIntervalMs",
                                           "requireSynchronousStandby"};
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    bool known = false;
    for (const char* name : kKnown) known = known || std::string_view(it->name.GetString()) == name;
    if (!known) fail(file, std::string("unknown setting \"") + it->name.GetString() + "\"");
  }
  config.host = string_field(object, "host", config.host, file);
  config.port = static_cast<int>(int_field(object, "port", config.port, 1, 65535, file));
  config.database = string_field(object, "database", config.database, file);
  config.user = string_field(object, "user", config.user, file);
  config.password = string_field(object, "password", config.password, file);
  config.pool_size = static_cast<std::size_t>(
      int_field(object, "poolSize", static_cast<std::int64_t>(config.pool_size), 1, 256, file));
  config.statement_timeout_ms = int_field(object, "statementTimeoutMs", config.statement_timeout_ms, 0, 3600000, file);
  config.connect_timeout_seconds =
      static_cast<int>(int_field(object, "connectTimeoutSeconds", config.connect_timeout_seconds, 1, 600, file));
  config.max_queued_requests =
      static_cast<std::size_t>(int_field(object, "maxQueuedRequests", 10000, 1, 10000000, file));
  config.max_commit_batch = static_cast<std::size_t>(int_field(object, "maxCommitBatch", 64, 1, 1000, file));
  config.max_commit_connections =
      static_cast<std::size_t>(int_field(object, "maxCommitConnections", 0, 0, 256, file));
  config.failover_window_ms = int_field(object, "failoverWindowMs", config.failover_window_ms, 0, 600000, file);
  config.url = string_field(object, "url", config.url, file);
  config.hint_interval_ms = int_field(object, "hintIntervalMs", config.hint_interval_ms, 1, 1000, file);
  if (auto require = object.FindMember("requireSynchronousStandby");
      require != object.MemberEnd() && !require->value.IsNull()) {
    if (!require->value.IsBool()) fail(file, "\"requireSynchronousStandby\" must be true or false");
    config.require_synchronous_standby = require->value.GetBool();
  }
  if (auto hints = object.FindMember("hints"); hints != object.MemberEnd() && !hints->value.IsNull()) {
    if (!hints->value.IsBool()) fail(file, "\"hints\" must be true or false");
    config.hints = hints->value.GetBool();
  }
  if (config.database.empty()) fail(file, "\"database\" must not be empty");
  if (config.host.empty()) fail(file, "\"host\" must not be empty");
}

}  // namespace

std::optional<std::string> process_environment(const char* name) {
  if (const char* value = std::getenv(name)) return std::string(value);
  return std::nullopt;
}

PgConfig parse_pg_config(const rapidjson::Value& plugin_config, const std::filesystem::path& config_dir,
                         const std::filesystem::path& config_file, const EnvLookup& env) {
  PgConfig config;
  config.source_file = config_file;
  std::optional<std::filesystem::path> settings_file;
  if (plugin_config.IsString()) {
    settings_file = plugin_config.GetString();
  } else if (plugin_config.IsObject() && plugin_config.HasMember("file")) {
    if (!plugin_config["file"].IsString()) fail(config_file, "\"file\" must be a path string");
    settings_file = plugin_config["file"].GetString();
  }
  if (settings_file) {
    config.source_file = settings_file->is_absolute() ? *settings_file : config_dir / *settings_file;
    const auto document = read_json_file(config.source_file);
    apply_settings(document, config);
  } else if (plugin_config.IsObject() || plugin_config.IsNull()) {
    if (plugin_config.IsObject()) apply_settings(plugin_config, config);
  } else {
    fail(config_file, "the pg_store config must be a settings object or the path of a settings file");
  }

  if (auto password = env("PROCESSHOST_PG_PASSWORD")) config.password = *password;
  if (auto url = env("PROCESSHOST_PG_URL"); url && !url->empty()) config.url = *url;
  if (!config.url.empty()) {
    for (const auto& option : parse_conninfo(config.url)) {
      if (option.keyword == "host") config.host = option.value;
      if (option.keyword == "port") {
        config.port = std::atoi(option.value.c_str());
        config.url_ports = option.value;
      }
      if (option.keyword == "dbname") config.database = option.value;
      if (option.keyword == "user") config.user = option.value;
    }
  }
  return config;
}

std::string PgConfig::conninfo(std::string_view database_override) const {
  std::string result;
  auto add = [&result](std::string_view keyword, std::string_view value) {
    if (!result.empty()) result += ' ';
    result += keyword;
    result += '=';
    result += quote_conninfo_value(value);
  };
  if (!url.empty()) {
    bool session_attrs = false;
    for (const auto& option : parse_conninfo(url)) {
      if (option.keyword == "dbname") continue;
      session_attrs = session_attrs || option.keyword == "target_session_attrs";
      add(option.keyword, option.value);
    }
    // The store writes: of several hosts only the primary will do, and after a failover the
    // next connection finds the new one.
    if (!session_attrs) add("target_session_attrs", "read-write");
  } else {
    add("host", host);
    add("port", std::to_string(port));
    add("user", user);
    if (!password.empty()) add("password", password);
  }
  add("dbname", database_override.empty() ? database : database_override);
  add("connect_timeout", std::to_string(connect_timeout_seconds));
  add("application_name", "processhost");
  add("options", "-c statement_timeout=" + std::to_string(statement_timeout_ms));
  return result;
}

std::string PgConfig::server() const {
  // Several hosts: "db1,db2 (ports 5432,5433)", as libpq pairs them.
  if (host.find(',') != std::string::npos) return host + " (ports " + (url_ports.empty() ? std::to_string(port) : url_ports) + ")";
  return host + ":" + std::to_string(port);
}

}  // namespace processhost::plugins::pg_store
