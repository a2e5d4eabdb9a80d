#include "ctl_options.hpp"

#include <map>
#include <tuple>

namespace processhost::ctl {
namespace {

using Setter = void (*)(CtlOptions&, std::string);

// Options that take a value, and where the value goes.
const std::map<std::string, Setter>& valued_options() {
  static const std::map<std::string, Setter> kOptions = {
      {"--url", [](CtlOptions& o, std::string v) { o.url = std::move(v); }},
      {"--token", [](CtlOptions& o, std::string v) { o.token = std::move(v); }},
      {"--user", [](CtlOptions& o, std::string v) { o.user = std::move(v); }},
      {"--password", [](CtlOptions& o, std::string v) { o.password = std::move(v); }},
      {"--state", [](CtlOptions& o, std::string v) { o.state = std::move(v); }},
      {"--model", [](CtlOptions& o, std::string v) { o.model = std::move(v); }},
      {"--correlation", [](CtlOptions& o, std::string v) { o.correlation = std::move(v); }},
      {"--instance", [](CtlOptions& o, std::string v) { o.instance = std::move(v); }},
      {"--kind", [](CtlOptions& o, std::string v) { o.kind = std::move(v); }},
      {"--result", [](CtlOptions& o, std::string v) { o.result = std::move(v); }},
      {"--count", [](CtlOptions& o, std::string v) { o.count_text = std::move(v); }},
      {"--limit", [](CtlOptions& o, std::string v) { o.limit_text = std::move(v); }},
  };
  return kOptions;
}

struct CommandShape {
  std::size_t min_arguments;
  std::size_t max_arguments;
};

const std::map<std::string, CommandShape>& commands() {
  static const std::map<std::string, CommandShape> kCommands = {
      {"deploy", {1, 1000}}, {"models", {0, 0}}, {"instances", {0, 0}},
      {"terminate", {1, 1}}, {"tasks", {0, 0}},  {"finish", {3, 3}}, {"watch", {0, 0}},
  };
  return kCommands;
}

}  // namespace

std::optional<CtlOptions> parse_command_line(const std::vector<std::string>& args, UsageError& error,
                                             const char* (*getenv_fn)(const char*)) {
  CtlOptions options;
  const auto from_env = [&](const char* name) -> std::optional<std::string> {
    const char* value = getenv_fn(name);
    return value != nullptr && *value != '\0' ? std::optional<std::string>(value) : std::nullopt;
  };
  if (auto url = from_env("PROCESSHOST_URL")) options.url = *url;
  options.token = from_env("PROCESSHOST_TOKEN");
  options.user = from_env("PROCESSHOST_USER");
  options.password = from_env("PROCESSHOST_PASSWORD");

  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    if (arg == "--json" || arg == "--help" || arg == "-h") {
      (arg == "--json" ? options.json : options.help) = true;
      continue;
    }
    if (auto setter = valued_options().find(arg); setter != valued_options().end()) {
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          error.message = arg + " needs a value";
          return std::nullopt;
        }
        inline_value = args[++i];
      }
      setter->second(options, *inline_value);
      continue;
    }
    if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      error.message = "unknown option " + arg;
      return std::nullopt;
    }
    if (options.command.empty()) {
      options.command = arg;
    } else {
      options.arguments.push_back(arg);
    }
  }
  if (options.help) return options;
  if (options.command.empty()) {
    error.message = "no command given";
    return std::nullopt;
  }
  const auto shape = commands().find(options.command);
  if (shape == commands().end()) {
    error.message = "unknown command '" + options.command + "'";
    return std::nullopt;
  }
  if (options.arguments.size() < shape->second.min_arguments || options.arguments.size() > shape->second.max_arguments) {
    error.message = "wrong number of arguments for '" + options.command + "'";
    return std::nullopt;
  }
  for (auto [text, value, name] : {std::tuple{&options.count_text, &options.count, "--count"},
                                    std::tuple{&options.limit_text, &options.limit, "--limit"}}) {
    if (text->empty()) continue;
    if (text->find_first_not_of("0123456789") != std::string::npos || text->size() > 9) {
      error.message = std::string(name) + " must be a whole number";
      return std::nullopt;
    }
    *value = std::stoul(*text);
  }
  if (options.limit == 0) {
    error.message = "--limit must be at least 1";
    return std::nullopt;
  }
  if (options.kind != "user" && options.kind != "manual" && options.kind != "empty") {
    error.message = "--kind must be user, manual or empty";
    return std::nullopt;
  }
  return options;
}

std::string usage_text() {
  return R"(processhost-ctl: operate a ProcessHost from the command line (Management and Consumer API)

Usage: processhost-ctl [OPTIONS] COMMAND [ARGUMENTS]

Commands:
  deploy FILE...                 deploy BPMN files (each replaces its process's latest version)
  models                         list the deployed process models and their start events
  instances [--state S] [--model M] [--correlation C]
                                 list process instances (S: running, finished, error, terminated)
  terminate INSTANCE_ID          terminate a running process instance
  tasks [--model M] [--correlation C] [--instance I]
                                 list waiting user tasks, manual tasks and empty activities
  finish INSTANCE_ID CORRELATION_ID TASK_INSTANCE_ID [--kind user|manual|empty] [--result JSON]
                                 finish a waiting task (a user task's --result is its form fields)
  watch [--model M] [--correlation C] [--instance I] [--count N]
                                 print each notification as it happens, until interrupted (or N events)

Options:
  --url URL          the host (default http://127.0.0.1:8000; env PROCESSHOST_URL)
  --token TOKEN      a token from POST /iam/login (env PROCESSHOST_TOKEN)
  --user U --password P
                     log in through the host's iam plugin (env PROCESSHOST_USER, PROCESSHOST_PASSWORD)
  --limit N          instances, tasks: show at most N of each list (default 100; more are counted)
  --json             print the API's JSON instead of tables
  -h, --help         this text

Exit codes: 0 done; 1 the host refused (4xx/5xx); 2 wrong command line; 3 the host could not be
reached or did not answer as the API does; 4 the host does not serve this (plugin not loaded).
)";
}

}  // namespace processhost::ctl
