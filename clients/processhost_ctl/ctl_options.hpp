#pragma once
// processhost-ctl's command line: global options, the command and its arguments. Values
// not given on the command line come from the environment (PROCESSHOST_URL,
// PROCESSHOST_TOKEN, PROCESSHOST_USER, PROCESSHOST_PASSWORD).

#include <optional>
#include <string>
#include <vector>

namespace processhost::ctl {

// Exit codes, as docs/processhost-ctl.md documents them.
enum ExitCode : int {
  kSuccess = 0,
  kRefused = 1,      // the host answered with an error (4xx/5xx), or a deploy or finish failed
  kUsage = 2,        // the command line is wrong
  kUnreachable = 3,  // no answer: connection, timeout, or an answer that is not the API's
  kNotServed = 4,    // the host does not serve the route (the plugin is not loaded)
};

struct CtlOptions {
  std::string url = "http://127.0.0.1:8000";
  std::optional<std::string> token;  // a raw token; otherwise user/password log in, or none
  std::optional<std::string> user;
  std::optional<std::string> password;
  bool json = false;  // print the API's JSON instead of tables
  bool help = false;
  std::string command;
  std::vector<std::string> arguments;  // positional arguments of the command
  // Command options: --state, --model, --correlation, --instance, --kind, --result.
  std::optional<std::string> state;
  std::optional<std::string> model;
  std::optional<std::string> correlation;
  std::optional<std::string> instance;
  std::string kind = "user";
  std::size_t count = 0;  // watch: stop after this many events (0: never)
  std::string count_text;  // --count as given, checked by parse_command_line
  std::size_t limit = 100;  // instances, tasks: at most this many of each list the host is asked for
  std::string limit_text;  // --limit as given
  std::string result = "{}";
};

struct UsageError {
  std::string message;
};

// Options may come anywhere after the program name; the first word that is not an option is
// the command. getenv_fn reads the environment (a parameter so tests can pass their own).
std::optional<CtlOptions> parse_command_line(const std::vector<std::string>& args, UsageError& error,
                                             const char* (*getenv_fn)(const char*));

std::string usage_text();

}  // namespace processhost::ctl
