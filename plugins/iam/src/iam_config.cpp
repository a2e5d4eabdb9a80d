#include "iam_config.hpp"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace processhost::plugins::iam {
namespace {

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("iam config: " + message); }

std::optional<std::string> get_string(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return std::nullopt;
  if (!member->value.IsString()) fail(std::string("'") + name + "' must be a string");
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

std::optional<std::uint64_t> get_count(const rapidjson::Value& object, const char* name, std::uint64_t min,
                                       std::uint64_t max) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return std::nullopt;
  if (!member->value.IsUint64()) fail(std::string("'") + name + "' must be a non-negative integer");
  std::uint64_t value = member->value.GetUint64();
  if (value < min || value > max) {
    fail(std::string("'") + name + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

std::optional<bool> get_bool(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return std::nullopt;
  if (!member->value.IsBool()) fail(std::string("'") + name + "' must be true or false");
  return member->value.GetBool();
}

std::string read_secret_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail("cannot read secretFile '" + path.string() + "'");
  std::ostringstream content;
  content << file.rdbuf();
  std::string secret = content.str();
  // Files written with echo or an editor end in a newline that is not part of the key.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

void check_secret(const std::string& secret, const std::string& source) {
  if (secret.size() < kMinSecretBytes) {
    fail("the signing secret from " + source + " has " + std::to_string(secret.size()) + " bytes; at least " +
         std::to_string(kMinSecretBytes) +
         " are required (e.g. `openssl rand -base64 48`); set 'secret', 'secretFile' or " + kSecretEnvVariable);
  }
}

void read_secrets(const rapidjson::Value& config, const std::filesystem::path& config_dir,
                  const EnvironmentLookup& environment, IamConfig& result) {
  auto inline_secret = get_string(config, "secret");
  auto secret_file = get_string(config, "secretFile");
  if (inline_secret && secret_file) fail("give either 'secret' or 'secretFile', not both");
  auto from_environment = environment(kSecretEnvVariable);
  if (from_environment && !from_environment->empty()) {
    result.secret = *from_environment;
    result.secret_source = std::string("environment variable ") + kSecretEnvVariable;
  } else if (secret_file) {
    auto path = std::filesystem::path(*secret_file);
    if (path.is_relative()) path = config_dir / path;
    result.secret = read_secret_file(path);
    result.secret_source = "secretFile '" + path.string() + "'";
  } else if (inline_secret) {
    result.secret = *inline_secret;
    result.secret_source = "'secret'";
  } else {
    fail(std::string("no signing secret: set 'secret', 'secretFile' or the environment variable ") +
         kSecretEnvVariable);
  }
  check_secret(result.secret, result.secret_source);

  auto previous = config.FindMember("previousSecrets");
  if (previous != config.MemberEnd()) {
    if (!previous->value.IsArray()) fail("'previousSecrets' must be an array of strings");
    for (const auto& entry : previous->value.GetArray()) {
      if (!entry.IsString()) fail("'previousSecrets' must be an array of strings");
      std::string secret(entry.GetString(), entry.GetStringLength());
      check_secret(secret, "'previousSecrets'");
      result.previous_secrets.push_back(std::move(secret));
    }
  }
}

const rapidjson::Value* get_object(const rapidjson::Value& object, const char* name, const char* shape) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return nullptr;
  if (!member->value.IsObject()) fail(std::string("'") + name + "' must be an object " + shape);
  return &member->value;
}

std::optional<std::chrono::seconds> get_seconds(const rapidjson::Value& object, const char* name, std::uint64_t min,
                                                std::uint64_t max) {
  if (auto value = get_count(object, name, min, max)) return std::chrono::seconds(*value);
  return std::nullopt;
}

void read_account_throttle(const rapidjson::Value& throttle, AccountThrottleConfig& result) {
  const auto* account =
      get_object(throttle, "account", "{freeFailures, baseDelaySeconds, maxDelaySeconds, forgetAfterSeconds}");
  if (account == nullptr) return;
  if (auto value = get_count(*account, "freeFailures", 0, 1'000)) {
    result.free_failures = static_cast<std::uint32_t>(*value);
  }
  if (auto value = get_seconds(*account, "baseDelaySeconds", 1, 3'600)) result.base_delay = *value;
  if (auto value = get_seconds(*account, "maxDelaySeconds", 1, 3'600)) result.max_delay = *value;
  if (auto value = get_seconds(*account, "forgetAfterSeconds", 1, 7ULL * 24 * 60 * 60)) result.forget_after = *value;
  // Checked after reading all of them, so each may be given alone against the defaults.
  if (result.max_delay < result.base_delay) {
    fail("'loginThrottle.account.maxDelaySeconds' must not be below baseDelaySeconds");
  }
  if (result.forget_after < result.max_delay) {
    fail(
        "'loginThrottle.account.forgetAfterSeconds' must not be below maxDelaySeconds, or a waiting account would be "
        "forgotten before its wait ends");
  }
}

void read_address_budget(const rapidjson::Value& throttle, AddressBudgetConfig& result) {
  const auto* address = get_object(throttle, "address", "{maxFailures, windowSeconds}");
  if (address == nullptr) return;
  if (auto value = get_count(*address, "maxFailures", 1, 1'000'000)) {
    result.max_failures = static_cast<std::uint32_t>(*value);
  }
  if (auto value = get_seconds(*address, "windowSeconds", 1, 24ULL * 60 * 60)) result.window = *value;
}

void read_login_throttle(const rapidjson::Value& config, IamConfig& result) {
  if (config.HasMember("rateLimit")) {
    fail(
        "'rateLimit' (attempts per username and address) was replaced by 'loginThrottle' (a delay per account and "
        "a failure budget per address); see docs/security.md");
  }
  const auto* throttle = get_object(config, "loginThrottle", "{account, address, maxTrackedKeys}");
  if (throttle == nullptr) return;
  read_account_throttle(*throttle, result.login_throttle.account);
  read_address_budget(*throttle, result.login_throttle.address);
  if (auto value = get_count(*throttle, "maxTrackedKeys", 100, 10'000'000)) {
    result.login_throttle.max_tracked_keys = static_cast<std::size_t>(*value);
  }
}

void read_password_limits(const rapidjson::Value& config, IamConfig& result) {
  result.password_limits.ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  result.password_limits.mem_limit_bytes = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  auto member = config.FindMember("passwordHashing");
  if (member == config.MemberEnd()) return;
  if (!member->value.IsObject()) fail("'passwordHashing' must be an object {opsLimit, memLimitBytes}");
  if (auto value = get_count(member->value, "opsLimit", crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_OPSLIMIT_MAX)) {
    result.password_limits.ops_limit = *value;
  }
  if (auto value = get_count(member->value, "memLimitBytes", crypto_pwhash_MEMLIMIT_MIN,
                             std::numeric_limits<std::uint32_t>::max())) {
    result.password_limits.mem_limit_bytes = static_cast<std::size_t>(*value);
  }
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

IamConfig parse_iam_config(const rapidjson::Value& config, const std::filesystem::path& config_dir,
                           const EnvironmentLookup& environment) {
  if (!config.IsObject()) fail("the plugin config must be a JSON object");
  IamConfig result;
  if (auto issuer = get_string(config, "issuer")) {
    if (issuer->empty()) fail("'issuer' must not be empty");
    result.issuer = *issuer;
  }
  read_secrets(config, config_dir, environment, result);
  if (auto value = get_count(config, "tokenLifetimeSeconds", 1, 366ULL * 24 * 60 * 60)) {
    result.token_lifetime = std::chrono::seconds(*value);
  }
  if (auto value = get_count(config, "clockLeewaySeconds", 0, 300)) {
    result.clock_leeway = std::chrono::seconds(*value);
  }
  auto users_file = get_string(config, "usersFile");
  if (!users_file || users_file->empty()) {
    fail("'usersFile' is required: the JSON file of users (relative to the folder of the file that holds this config)");
  }
  result.users_file = std::filesystem::path(*users_file);
  if (result.users_file.is_relative()) result.users_file = config_dir / result.users_file;
  result.allow_god_token = get_bool(config, "allowGodToken").value_or(false);
  read_login_throttle(config, result);
  read_password_limits(config, result);
  if (auto value = get_count(config, "workerThreads", 1, 64)) result.worker_threads = *value;
  if (auto value = get_count(config, "maxPendingLogins", 1, 100'000)) result.max_pending_logins = *value;
  return result;
}

const char* const kIamConfigSchema = R"({
  "type": "object",
  "required": ["usersFile"],
  "properties": {
    "issuer": {"type": "string", "minLength": 1},
    "secret": {"type": "string"},
    "secretFile": {"type": "string"},
    "previousSecrets": {"type": "array", "items": {"type": "string"}},
    "tokenLifetimeSeconds": {"type": "integer", "minimum": 1},
    "clockLeewaySeconds": {"type": "integer", "minimum": 0, "maximum": 300},
    "usersFile": {"type": "string"},
    "allowGodToken": {"type": "boolean"},
    "loginThrottle": {
      "type": "object",
      "properties": {
        "account": {
          "type": "object",
          "properties": {
            "freeFailures": {"type": "integer", "minimum": 0, "maximum": 1000},
            "baseDelaySeconds": {"type": "integer", "minimum": 1, "maximum": 3600},
            "maxDelaySeconds": {"type": "integer", "minimum": 1, "maximum": 3600},
            "forgetAfterSeconds": {"type": "integer", "minimum": 1, "maximum": 604800}
          },
          "additionalProperties": false
        },
        "address": {
          "type": "object",
          "properties": {
            "maxFailures": {"type": "integer", "minimum": 1, "maximum": 1000000},
            "windowSeconds": {"type": "integer", "minimum": 1, "maximum": 86400}
          },
          "additionalProperties": false
        },
        "maxTrackedKeys": {"type": "integer", "minimum": 100, "maximum": 10000000}
      },
      "additionalProperties": false
    },
    "passwordHashing": {
      "type": "object",
      "properties": {
        "opsLimit": {"type": "integer", "minimum": 1},
        "memLimitBytes": {"type": "integer", "minimum": 8192}
      },
      "additionalProperties": false
    },
    "workerThreads": {"type": "integer", "minimum": 1, "maximum": 64},
    "maxPendingLogins": {"type": "integer", "minimum": 1}
  },
  "additionalProperties": false
})";

}  // namespace processhost::plugins::iam
