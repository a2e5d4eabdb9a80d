#include "client_config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>

namespace processhost::client::examples {

namespace {

ClientError config_error(const std::filesystem::path& file, const std::string& why) {
  return make_client_error(ErrorKind::protocol, "client config " + file.string() + ": " + why);
}

std::optional<std::string> string_member(const rapidjson::Value& object, const char* name, bool& type_error) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return std::nullopt;
  if (!member->value.IsString()) {
    type_error = true;
    return std::nullopt;
  }
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

bool read_millis(const rapidjson::Value& timeouts, const char* name, std::chrono::milliseconds& target) {
  auto member = timeouts.FindMember(name);
  if (member == timeouts.MemberEnd()) return true;
  if (!member->value.IsUint64() || member->value.GetUint64() == 0) return false;
  target = std::chrono::milliseconds(member->value.GetUint64());
  return true;
}

std::optional<WaitPreference> read_wait_preference(std::string_view text) {
  if (text == "auto") return WaitPreference::automatic;
  if (text == "polling") return WaitPreference::polling;
  return std::nullopt;
}

}  // namespace

ClientResult<ClientConfig> read_client_config(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) return config_error(file, "cannot be read");
  std::stringstream text;
  text << stream.rdbuf();
  rapidjson::Document document;
  document.Parse(text.str().c_str());
  if (document.HasParseError()) {
    return config_error(file, std::string("not JSON: ") + rapidjson::GetParseError_En(document.GetParseError()) +
                                  " at offset " + std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) return config_error(file, "expected a JSON object");

  ClientConfig config;
  bool type_error = false;
  if (auto url = string_member(document, "url", type_error)) config.url = *url;
  if (type_error) return config_error(file, "\"url\" must be a string");
  if (auto credentials = document.FindMember("credentials"); credentials != document.MemberEnd()) {
    if (!credentials->value.IsObject()) return config_error(file, "\"credentials\" must be an object");
    auto username = string_member(credentials->value, "username", type_error);
    auto password = string_member(credentials->value, "password", type_error);
    if (type_error || !username) {
      return config_error(file, "\"credentials\" needs a string \"username\" (and a string \"password\")");
    }
    config.credentials = Credentials{*username, password.value_or("")};
  }
  if (auto wait_for = string_member(document, "waitFor", type_error); wait_for || type_error) {
    auto preference = wait_for ? read_wait_preference(*wait_for) : std::nullopt;
    if (!preference) return config_error(file, "\"waitFor\" is \"auto\" or \"polling\"");
    config.wait_for = *preference;
  }
  if (auto timeouts = document.FindMember("timeouts"); timeouts != document.MemberEnd()) {
    const auto& value = timeouts->value;
    if (!value.IsObject() || !read_millis(value, "connectMs", config.transport.connect_timeout) ||
        !read_millis(value, "requestMs", config.transport.request_timeout) ||
        !read_millis(value, "waitMs", config.wait.timeout)) {
      return config_error(file, "\"timeouts\" holds positive integers connectMs, requestMs, waitMs");
    }
  }
  return config;
}

ClientResult<CommandLine> parse_command_line(int argc, const char* const* argv) {
  CommandLine result;
  for (int i = 1; i < argc; ++i) {
    std::string_view option = argv[i];
    if (option == "--help" || option == "-h") {
      result.help = true;
      continue;
    }
    if (i + 1 >= argc) return make_client_error(ErrorKind::protocol, "missing value after " + std::string(option));
    std::string value = argv[++i];
    if (option == "--config") {
      result.config_file = value;
    } else if (option == "--url") {
      result.url = value;
    } else if (option == "--user") {
      result.username = value;
    } else if (option == "--password") {
      result.password = value;
    } else if (option == "--wait-for") {
      result.wait_for = read_wait_preference(value);
      if (!result.wait_for) return make_client_error(ErrorKind::protocol, "--wait-for takes auto or polling");
    } else {
      return make_client_error(ErrorKind::protocol, "unknown option " + std::string(option));
    }
  }
  return result;
}

void apply_overrides(const CommandLine& command_line, ClientConfig& config) {
  if (command_line.url) config.url = *command_line.url;
  if (command_line.wait_for) config.wait_for = *command_line.wait_for;
  if (command_line.username) {
    if (!config.credentials) config.credentials = Credentials{};
    config.credentials->username = *command_line.username;
  }
  if (command_line.password) {
    if (!config.credentials) config.credentials = Credentials{};
    config.credentials->password = *command_line.password;
  }
}

std::string usage(std::string_view program, bool with_config) {
  std::string text = "usage: " + std::string(program) + (with_config ? " [--config FILE]" : "") +
                     " [--url URL] [--user NAME --password PASS] [--wait-for auto|polling]\n"
                     "Starts sample_process on a ProcessHost, finishes its user task and prints the result.\n"
                     "Logs in only when the host has an identity plugin (IAM) loaded. Waits for the user task\n"
                     "by notification when the host has a notification channel, else by polling.\n";
  if (with_config) text += "Default config: config/demo/client.json. ";
  text += "Default URL: " + std::string(kDefaultUrl) + ".\n";
  return text;
}

}  // namespace processhost::client::examples
