// processhost: the host process. See docs/operations.md for options and exit codes.
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/program_options.hpp>

#include "dependency_order.hpp"
#include "host.hpp"
#include "host_config.hpp"
#include "log_sink.hpp"
#include "plugin_library.hpp"

namespace {

namespace po = boost::program_options;
using processhost::host::ComponentLogger;
using processhost::host::Host;
using processhost::host::LogFormat;
using processhost::host::LogSink;

constexpr int kExitOk = 0;
constexpr int kExitStartFailed = 1;
constexpr int kExitUsage = 2;

// Blocks SIGINT and SIGTERM in this thread and every thread started later, so the main
// thread alone receives them through sigwait.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::filesystem::path default_plugin_dir() {
  return boost::dll::program_location().parent_path().parent_path() / "lib" / "processhost" / "plugins";
}

int run(const po::variables_map& options, LogSink& sink) {
  ComponentLogger logger(sink, "host");
  processhost::host::HostConfig config;
  try {
    config = processhost::host::load_host_config(options["config"].as<std::string>(), default_plugin_dir());
  } catch (const processhost::host::ConfigError& error) {
    logger.error(std::string("invalid config: ") + error.what());
    return kExitUsage;
  }
  if (!options.count("log-format")) sink.set_format(config.log_format == "json" ? LogFormat::json : LogFormat::text);
  if (!options.count("log-level")) sink.set_min_level(config.log_level);

  const sigset_t signals = block_stop_signals();
  Host host(std::move(config), sink);
  try {
    host.load();
    if (options.count("check-config")) {
      host.check_plugin_configs();
      const auto problems = host.check_process_models();
      for (const auto& [file, problem] : problems) {
        logger.error("process model " + file.string() + ": " + processhost::host::describe(problem));
      }
      if (!problems.empty()) {
        logger.error("invalid config: " + std::to_string(problems.size()) + " problem(s) in process models");
        return kExitUsage;
      }
      std::cout << "config OK: " << options["config"].as<std::string>() << " (" << host.nodes().size()
                << " parts)\n";
      return kExitOk;
    }
    host.start();
  } catch (const std::exception& error) {
    logger.error(std::string("start-up failed: ") + error.what());
    return kExitStartFailed;
  }
  int received = 0;
  sigwait(&signals, &received);
  logger.info(std::string("received ") + (received == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
  host.shutdown();
  logger.info("stopped cleanly");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed log pipe or socket must be an error value, never a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  po::options_description described("processhost: a BPMN process engine host\n\nOptions");
  described.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("config,c", po::value<std::string>(), "the host config (JSON); see docs/configuration.md")
      ("check-config", "validate the config and the plugins' descriptors and configs, then exit")
      ("log-format", po::value<std::string>(), "text (default) or json: one JSON object per line")
      ("log-level", po::value<std::string>(), "debug, info (default), warn or error");
  po::variables_map options;
  try {
    po::store(po::parse_command_line(argc, argv, described), options);
    po::notify(options);
  } catch (const std::exception& error) {
    std::cerr << "processhost: " << error.what() << "\n" << described << "\n";
    return kExitUsage;
  }
  if (options.count("help")) {
    std::cout << described << "\n";
    return kExitOk;
  }
  if (options.count("version")) {
    std::cout << "processhost " << PROCESSHOST_VERSION << " (plugin API " << processhost::kPluginApiVersion
              << ", ABI " << PROCESSHOST_ABI_TAG << ")\n";
    return kExitOk;
  }
  LogSink sink;
  if (options.count("log-format")) {
    const auto format = options["log-format"].as<std::string>();
    if (format != "text" && format != "json") {
      std::cerr << "processhost: --log-format must be text or json, not '" << format << "'\n";
      return kExitUsage;
    }
    sink.set_format(format == "json" ? LogFormat::json : LogFormat::text);
  }
  if (options.count("log-level")) {
    processhost::LogLevel level = processhost::LogLevel::info;
    if (!processhost::host::parse_log_level(options["log-level"].as<std::string>(), level)) {
      std::cerr << "processhost: --log-level must be debug, info, warn or error\n";
      return kExitUsage;
    }
    sink.set_min_level(level);
  }
  if (!options.count("config")) {
    std::cerr << "processhost: --config FILE is required\n" << described << "\n";
    return kExitUsage;
  }
  return run(options, sink);
}
