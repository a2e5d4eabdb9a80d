#include "processhost/testing/host_cluster.hpp"

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace processhost::testing {
namespace {

// A JSON string literal of text (paths and names in the hosts' configs).
std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      quoted += escape;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace

HostCluster::HostCluster(test::PostgresCluster& postgres, HostClusterOptions options)
    : postgres_(postgres), options_(std::move(options)), database_(test::unique_database_name(options_.database_prefix)) {
  if (options_.hosts == 0) throw std::invalid_argument("HostCluster: at least one host");
}

HostCluster::~HostCluster() {
  stop();
  try {
    postgres_.drop_database(database_);
  } catch (const std::exception&) {
    // Left behind: the shared test cluster is removed at the end of the run anyway.
  }
}

std::filesystem::path HostCluster::write_config(std::size_t index) const {
  const auto models = options_.models_of ? options_.models_of(index) : options_.process_models;
  std::string model_list;
  for (const auto& model : models) model_list += (model_list.empty() ? "" : ",") + json_string(model.string());
  std::string pg_store = "{\"host\":" + json_string(postgres_.host()) + ",\"port\":" + std::to_string(postgres_.port()) +
                         ",\"database\":" + json_string(database_) + ",\"user\":" + json_string(postgres_.user()) +
                         ",\"connectTimeoutSeconds\":2";
  if (!options_.pg_store_settings.empty()) pg_store += "," + options_.pg_store_settings;
  pg_store += "}";
  std::string plugins = "{\"name\":\"pg_store\",\"config\":" + pg_store + "},{\"name\":\"consumer_api\"}";
  for (const auto& plugin : options_.extra_plugins) plugins += "," + plugin;
  std::string config = "{\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"processModels\":[" + model_list +
                       "],\"plugins\":[" + plugins + "]";
  if (!options_.host_settings.empty()) config += "," + options_.host_settings;
  config += "}";
  return dir_.write("host_" + std::to_string(index) + ".json", config);
}

std::filesystem::path HostCluster::add_process_model(const std::string& file_name, std::string_view xml) {
  auto file = dir_.write(std::filesystem::path("models") / file_name, xml);
  options_.process_models.push_back(file);
  return file;
}

void HostCluster::start() {
  for (std::size_t index = hosts_.size(); index < options_.hosts; ++index) {
    hosts_.push_back(std::make_unique<HostProcess>(write_config(index), options_.extra_args));
    try {
      hosts_.back()->start();
    } catch (const std::exception& failure) {
      throw std::runtime_error("host " + std::to_string(index) + " of " + std::to_string(options_.hosts) +
                               " did not start: " + failure.what());
    }
  }
}

bool HostCluster::stop(std::chrono::milliseconds grace) {
  bool clean = true;
  for (auto& host : hosts_) {
    if (host) clean = host->stop(grace, SIGTERM) == 0 && clean;
  }
  return clean;
}

std::vector<std::uint16_t> HostCluster::ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& host : hosts_) ports.push_back(host->port());
  return ports;
}

std::string HostCluster::outputs() const {
  std::string all;
  for (std::size_t index = 0; index < hosts_.size(); ++index) {
    all += "--- host " + std::to_string(index) + " ---\n" + hosts_[index]->output() + "\n";
  }
  return all;
}

}  // namespace processhost::testing
