// Flow benchmark: N concurrent clients each run the sample flow against a running host over
// HTTP (start sample_process, list the correlation's user tasks, finish the task, read the
// result) for a fixed time, then report complete flows per second and p50/p99 per call.
//
//   flow_bench --port 8000 [--host 127.0.0.1] [--clients 16] [--seconds 20] [--warmup 3]
//              [--token JWT] [--host-pid PID] [--pg-pid PID]
//
// Each client keeps one HTTP/1.1 connection alive. Latencies are wall-clock per request.
// CPU seconds per complete flow (user + system, from /proc, over the measured window) are
// reported for this program, for --host-pid and for --pg-pid with its child processes (the
// PostgreSQL postmaster and its backends): unlike flows per second, they hold when other
// work shares the machine.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/document.h>
#include <unistd.h>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  int clients = 16;
  int seconds = 20;
  int warmup = 3;
  std::string token;
  int host_pid = 0;
  int pg_pid = 0;
};

struct Reply {
  int status = 0;
  std::string body;
};

class Connection {
 public:
  Connection(const Options& options) : options_(options) {}

  Reply request(http::verb method, const std::string& target, const std::string& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream_) connect();
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, options_.host);
        request.keep_alive(true);
        if (!options_.token.empty()) request.set(http::field::authorization, "Bearer " + options_.token);
        if (method == http::verb::post) {
          request.set(http::field::content_type, "application/json");
          request.body() = body;
          request.prepare_payload();
        }
        http::write(*stream_, request);
        http::response<http::string_body> response;
        http::read(*stream_, buffer_, response);
        if (!response.keep_alive()) stream_.reset();
        return {static_cast<int>(response.result_int()), std::move(response.body())};
      } catch (const std::exception&) {
        stream_.reset();
      }
    }
    return {};
  }

 private:
  void connect() {
    tcp::resolver resolver(io_);
    stream_.emplace(io_);
    stream_->connect(resolver.resolve(options_.host, options_.port));
    stream_->socket().set_option(tcp::no_delay(true));
  }

  const Options& options_;
  boost::asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

enum Call { kStart, kList, kFinish, kResult, kCallCount };
constexpr const char* kCallNames[kCallCount] = {"start", "list tasks", "finish", "get result"};

struct ClientStats {
  std::vector<double> latency_ms[kCallCount];
  long flows = 0;
  long errors = 0;
  std::map<int, long> error_statuses;
};

std::string json_field(const std::string& body, const char* array, const char* field) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  if (!document.IsObject()) return {};
  const rapidjson::Value* object = &document;
  if (array) {
    if (!document.HasMember(array) || !document[array].IsArray() || document[array].Empty()) return {};
    object = &document[array][0];
  }
  if (!object->HasMember(field) || !(*object)[field].IsString()) return {};
  return (*object)[field].GetString();
}

void run_client(const Options& options, int index, std::atomic<bool>& measuring, std::atomic<bool>& running,
                ClientStats& stats) {
  Connection connection(options);
  const std::string api = "/api/consumer/v1";
  for (long n = 0; running.load(); ++n) {
    const std::string correlation = "bench-" + std::to_string(index) + "-" + std::to_string(n);
    double latencies[kCallCount] = {};
    auto timed = [&](Call call, http::verb verb, const std::string& target, const std::string& body) {
      const auto begin = Clock::now();
      auto reply = connection.request(verb, target, body);
      latencies[call] = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
      return reply;
    };
    auto fail = [&](int status) {
      if (!measuring.load()) return;
      ++stats.errors;
      ++stats.error_statuses[status];
    };
    auto started = timed(kStart, http::verb::post, api + "/process_models/sample_process/start?start_callback_type=1",
                         R"({"correlationId":")" + correlation + R"(","inputValues":{}})");
    if (started.status / 100 != 2) {
      fail(started.status);
      continue;
    }
    const auto instance = json_field(started.body, nullptr, "processInstanceId");
    auto listed = timed(kList, http::verb::get, api + "/correlations/" + correlation + "/user_tasks", "");
    const auto task = json_field(listed.body, "userTasks", "flowNodeInstanceId");
    if (listed.status != 200 || task.empty()) {
      fail(listed.status);
      continue;
    }
    auto finished = timed(kFinish, http::verb::post,
                          api + "/processes/" + instance + "/correlations/" + correlation + "/usertasks/" + task +
                              "/finish",
                          R"({"formFields":{"TaskWasSuccessful":true}})");
    if (finished.status != 204) {
      fail(finished.status);
      continue;
    }
    auto result = timed(kResult, http::verb::get,
                        api + "/correlations/" + correlation + "/process_models/sample_process/results", "");
    if (result.status != 200 || json_field(result.body, "correlationResults", "endEventId") != "EndEvent_Success") {
      fail(result.status);
      continue;
    }
    if (measuring.load()) {
      ++stats.flows;
      for (int call = 0; call < kCallCount; ++call) stats.latency_ms[call].push_back(latencies[call]);
    }
  }
}

// User + system CPU seconds of one process (0 when it is gone); field 14 and 15 of
// /proc/PID/stat, after the parenthesised command name.
double process_cpu_seconds(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return 0;
  std::istringstream fields(text.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; fields >> field && index <= 15; ++index) {
    if (index >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::vector<int> child_pids(int pid) {
  std::vector<int> children;
  std::ifstream file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (int child; file >> child;) children.push_back(child);
  return children;
}

struct CpuSample {
  double bench = 0;
  double host = 0;
  double postgres = 0;
};

// The PostgreSQL figure sums the postmaster and its children at the time of the sample: the
// host's pooled connections live through the window, so their backends are in both samples.
CpuSample sample_cpu(const Options& options) {
  CpuSample sample;
  sample.bench = process_cpu_seconds(static_cast<int>(::getpid()));
  if (options.host_pid > 0) sample.host = process_cpu_seconds(options.host_pid);
  if (options.pg_pid > 0) {
    sample.postgres = process_cpu_seconds(options.pg_pid);
    for (int child : child_pids(options.pg_pid)) sample.postgres += process_cpu_seconds(child);
  }
  return sample;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "flow_bench: " << name << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (name == "--host") options.host = value();
    else if (name == "--port") options.port = value();
    else if (name == "--clients") options.clients = std::atoi(value().c_str());
    else if (name == "--seconds") options.seconds = std::atoi(value().c_str());
    else if (name == "--warmup") options.warmup = std::atoi(value().c_str());
    else if (name == "--token") options.token = value();
    else if (name == "--host-pid") options.host_pid = std::atoi(value().c_str());
    else if (name == "--pg-pid") options.pg_pid = std::atoi(value().c_str());
    else {
      std::cerr << "usage: flow_bench --port PORT [--host H] [--clients N] [--seconds S] [--warmup S] [--token JWT]"
                   " [--host-pid PID] [--pg-pid PID]\n";
      std::exit(2);
    }
  }
  if (options.port.empty() || options.clients < 1 || options.seconds < 1) {
    std::cerr << "flow_bench: --port is required; --clients and --seconds must be positive\n";
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  std::vector<ClientStats> stats(static_cast<std::size_t>(options.clients));
  std::atomic<bool> measuring{false};
  std::atomic<bool> running{true};
  std::vector<std::thread> clients;
  for (int i = 0; i < options.clients; ++i) {
    clients.emplace_back(run_client, std::cref(options), i, std::ref(measuring), std::ref(running),
                         std::ref(stats[static_cast<std::size_t>(i)]));
  }
  std::this_thread::sleep_for(std::chrono::seconds(options.warmup));
  measuring = true;
  const auto begin = Clock::now();
  const auto cpu_before = sample_cpu(options);
  std::this_thread::sleep_for(std::chrono::seconds(options.seconds));
  measuring = false;
  const auto cpu_after = sample_cpu(options);
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  double load[3] = {};
  const int loads = ::getloadavg(load, 3);
  running = false;
  for (auto& client : clients) client.join();

  ClientStats total;
  for (auto& client : stats) {
    total.flows += client.flows;
    total.errors += client.errors;
    for (const auto& [status, count] : client.error_statuses) total.error_statuses[status] += count;
    for (int call = 0; call < kCallCount; ++call) {
      total.latency_ms[call].insert(total.latency_ms[call].end(), client.latency_ms[call].begin(),
                                    client.latency_ms[call].end());
    }
  }
  std::printf("clients %d, measured %.1f s after %d s warm-up\n", options.clients, elapsed, options.warmup);
  std::printf("complete flows: %ld (%.0f flows/s), failed flows: %ld", total.flows,
              static_cast<double>(total.flows) / elapsed, total.errors);
  for (const auto& [status, count] : total.error_statuses) std::printf(" [status %d x%ld]", status, count);
  std::printf("\n%-12s %10s %10s\n", "call", "p50 ms", "p99 ms");
  for (int call = 0; call < kCallCount; ++call) {
    std::printf("%-12s %10.2f %10.2f\n", kCallNames[call], percentile(total.latency_ms[call], 0.50),
                percentile(total.latency_ms[call], 0.99));
  }
  const double flows = static_cast<double>(std::max(total.flows, 1L));
  std::printf("CPU ms per complete flow: flow_bench %.3f", 1000 * (cpu_after.bench - cpu_before.bench) / flows);
  if (options.host_pid > 0) std::printf(", host %.3f", 1000 * (cpu_after.host - cpu_before.host) / flows);
  if (options.pg_pid > 0) std::printf(", PostgreSQL %.3f", 1000 * (cpu_after.postgres - cpu_before.postgres) / flows);
  if (loads == 3) std::printf("; load average at the end %.2f %.2f %.2f", load[0], load[1], load[2]);
  std::printf("\n");
  return total.flows > 0 ? 0 : 1;
}
