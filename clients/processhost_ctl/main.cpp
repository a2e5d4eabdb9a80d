// processhost-ctl: deploy, list and operate over the Management and Consumer APIs
// (docs/processhost-ctl.md).

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ctl_client.hpp"
#include "ctl_options.hpp"

int main(int argc, char** argv) {
  namespace ctl = processhost::ctl;
  ctl::UsageError usage_error;
  const std::vector<std::string> args(argv, argv + argc);
  auto options = ctl::parse_command_line(args, usage_error, [](const char* name) -> const char* { return std::getenv(name); });
  if (!options) {
    std::cerr << "processhost-ctl: " << usage_error.message << "\n\n" << ctl::usage_text();
    return ctl::kUsage;
  }
  if (options->help) {
    std::cout << ctl::usage_text();
    return ctl::kSuccess;
  }
  auto client = ctl::CtlClient::connect(*options);
  if (!client) {
    std::cerr << "processhost-ctl: " << client.error().message << "\n";
    return client.error().exit_code;
  }
  return ctl::run_command(*options, *client.value(), std::cout, std::cerr);
}
