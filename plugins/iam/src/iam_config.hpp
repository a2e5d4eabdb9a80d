#pragma once
// The iam plugin's configuration: parsed and checked once, in configure().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

namespace processhost::plugins::iam {

// Environment variable that, when set and not empty, overrides secret/secretFile.
inline constexpr const char* kSecretEnvVariable = "PROCESSHOST_IAM_SECRET";
// HS256 keys shorter than the hash output weaken the signature (RFC 7518, 3.2).
inline constexpr std::size_t kMinSecretBytes = 32;

struct PasswordLimits {
  std::uint64_t ops_limit = 0;
  std::size_t mem_limit_bytes = 0;
};

// Per account (username, from any address): the first free_failures failures cost
// nothing; each further one makes the next attempt wait base_delay, doubling up to
// max_delay. A slowdown, never a lockout: the right password passes once the wait is over.
struct AccountThrottleConfig {
  std::uint32_t free_failures = 5;
  std::chrono::seconds base_delay{1};
  std::chrono::seconds max_delay{30};
  // An account's failures are forgotten after this long without an attempt.
  std::chrono::seconds forget_after{900};
};

// Per client address, across all usernames (password spraying): at most max_failures
// failed logins in a burst, refilled evenly over window.
struct AddressBudgetConfig {
  std::uint32_t max_failures = 20;
  std::chrono::seconds window{300};
};

struct LoginThrottleConfig {
  AccountThrottleConfig account;
  AddressBudgetConfig address;
  // Keys remembered per table (accounts, addresses), so a flood of names cannot grow memory.
  std::size_t max_tracked_keys = 100'000;
};

struct IamConfig {
  std::string issuer = "processhost";
  // The key new tokens are signed with; also accepted for verification.
  std::string secret;
  // Keys accepted for verification only, so a rotation does not log everyone out.
  std::vector<std::string> previous_secrets;
  std::chrono::seconds token_lifetime{8 * 60 * 60};
  std::chrono::seconds clock_leeway{30};
  std::filesystem::path users_file;
  bool allow_god_token = false;
  LoginThrottleConfig login_throttle;
  PasswordLimits password_limits;
  std::size_t worker_threads = 2;
  std::size_t max_pending_logins = 64;
  // Where the signing key came from, for the start-up log line (never the key itself).
  std::string secret_source;
};

// Reads environment variables; injectable so tests need not touch the process environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// Parses and validates the plugin config object. Relative paths resolve against config_dir.
// Throws std::invalid_argument with a message naming the field and what to do.
IamConfig parse_iam_config(const rapidjson::Value& config, const std::filesystem::path& config_dir,
                           const EnvironmentLookup& environment);

// The JSON schema of the config object (for the plugin descriptor).
extern const char* const kIamConfigSchema;

}  // namespace processhost::plugins::iam
