#pragma once
// Settings of the sample clients: a JSON file (config/demo/client.json) and command-line
// overrides. Shape of the file (every key optional):
//   {"url": "http://127.0.0.1:8000",
//    "credentials": {"username": "sampleUser", "password": "pass"},
//    "timeouts": {"connectMs": 5000, "requestMs": 30000, "waitMs": 10000},
//    "waitFor": "auto"}
// waitFor: "auto" waits for the user task by notification when the host has a notification
// channel and polls otherwise; "polling" always polls.
// Credentials are used only when the host has an identity service (IAM) loaded.

#include <filesystem>
#include <optional>
#include <string>

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/task_waiter.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client::examples {

inline constexpr std::string_view kDefaultUrl = "http://127.0.0.1:8000";

enum class WaitPreference { automatic, polling };

struct ClientConfig {
  std::string url = std::string(kDefaultUrl);
  std::optional<Credentials> credentials;
  TransportOptions transport;
  WaitOptions wait;
  WaitPreference wait_for = WaitPreference::automatic;
};

// Errors name the file and what is wrong with it.
ClientResult<ClientConfig> read_client_config(const std::filesystem::path& file);

struct CommandLine {
  std::optional<std::filesystem::path> config_file;
  std::optional<std::string> url;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<WaitPreference> wait_for;
  bool help = false;
};

// --config FILE, --url URL, --user NAME, --password PASS, --wait-for auto|polling, --help.
// Unknown options and values are errors.
ClientResult<CommandLine> parse_command_line(int argc, const char* const* argv);

// The command line wins over the file: --url replaces the URL, --user/--password the
// credentials (a lone --user keeps the file's password), --wait-for the file's waitFor.
void apply_overrides(const CommandLine& command_line, ClientConfig& config);

std::string usage(std::string_view program, bool with_config);

}  // namespace processhost::client::examples
