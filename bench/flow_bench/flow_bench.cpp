// Flow benchmark: N concurrent clients each run the sample flow against a running host over
// HTTP (start sample_process, list the correlation's user tasks, finish the task, read the
// result) for a fixed time, then report complete flows per second and p50/p99 per call.
//
//   flow_bench --port 8000 [--host 127.0.0.1] [--clients 16] [--seconds 20] [--warmup 3]
//              [--token JWT] [--host-pid PID] [--pg-pid PID]
//
// Several hosts on one database (docs/cluster.md): --port 8000,8001,8002 sends each request
// of a flow to the next port in turn (each client begins at a port of its own), as a
// round-robin load balancer does; --host-pid takes as many pids, whose CPU is summed.
//
// Each client keeps one HTTP/1.1 connection alive. Latencies are wall-clock per request.
// Every answer is checked in full (flow_checks.hpp). A flow with any other answer is a failed
// flow, counted by step and reason over the whole run (warm-up and the end included), and the
// program exits 1 when any flow failed or none completed. A read (list tasks, get result) that
// got no answer because the kept-alive connection broke is sent once more on a new connection
// and counted as a retry; a start or finish is never sent twice (a second start would create a
// second instance), so a broken connection there fails the flow.
// CPU seconds per complete flow (user + system, from /proc, over the measured window) are
// reported for this program, for --host-pid and for --pg-pid with its child processes (the
// PostgreSQL postmaster and its backends): unlike flows per second, they hold when other
// work shares the machine.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
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
#include <boost/system/system_error.hpp>

#include "flow_checks.hpp"

namespace {

namespace beast = boost::beast;
namespace bench = processhost::bench;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::vector<std::string> ports;
  int clients = 16;
  int seconds = 20;
  int warmup = 3;
  std::string token;
  std::vector<int> host_pids;
  int pg_pid = 0;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

struct Reply {
  int status = 0;  // 0: no answer (the connection failed)
  std::string body;
};

class Connection {
 public:
  Connection(const Options& options, std::string port) : options_(options), port_(std::move(port)) {}

  // One attempt: a request is never resent here, the caller decides (see run_client).
  Reply request(http::verb method, const std::string& target, const std::string& body) {
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
    } catch (const boost::system::system_error& error) {
      return broken(error.code().message());
    } catch (const std::exception& error) {
      return broken(error.what());
    }
  }

 private:
  Reply broken(std::string message) {
    stream_.reset();
    buffer_.clear();
    return {0, std::move(message)};
  }

  void connect() {
    tcp::resolver resolver(io_);
    stream_.emplace(io_);
    stream_->connect(resolver.resolve(options_.host, port_));
    stream_->socket().set_option(tcp::no_delay(true));
  }

  const Options& options_;
  const std::string port_;
  boost::asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

enum Call { kStart, kList, kFinish, kResult, kCallCount };
constexpr const char* kCallNames[kCallCount] = {"start", "list tasks", "finish", "get result"};

struct ClientStats {
  std::vector<double> latency_ms[kCallCount];
  long flows = 0;          // complete flows in the measured window
  long flows_outside = 0;  // complete flows during the warm-up and after the window
  long failures = 0;       // failed flows, whole run
  long failures_measured = 0;
  long retries = 0;  // reads resent after a broken connection, whole run
  std::map<std::string, long> failure_reasons;
  std::map<std::string, std::string> failure_examples;  // the first answer of each reason
};

void run_client(const Options& options, int index, std::atomic<bool>& measuring, std::atomic<bool>& running,
                ClientStats& stats) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (const auto& port : options.ports) connections.push_back(std::make_unique<Connection>(options, port));
  std::size_t next_host = static_cast<std::size_t>(index) % connections.size();
  const std::string api = "/api/consumer/v1";
  for (long n = 0; running.load(); ++n) {
    const std::string correlation = "bench-" + std::to_string(index) + "-" + std::to_string(n);
    double latencies[kCallCount] = {};
    auto timed = [&](Call call, http::verb verb, const std::string& target, const std::string& body) {
      const auto begin = Clock::now();
      auto& connection = *connections[next_host];
      next_host = (next_host + 1) % connections.size();
      auto reply = connection.request(verb, target, body);
      // Reads only: resending a GET changes nothing on the server, resending a POST might.
      if (reply.status == 0 && verb == http::verb::get) {
        ++stats.retries;
        reply = connection.request(verb, target, body);
      }
      latencies[call] = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
      return reply;
    };
    auto fail = [&](Call call, const Reply& reply, const bench::Checked& checked) {
      const std::string reason = std::string(kCallNames[call]) + ": " + checked.failure;
      ++stats.failures;
      if (measuring.load()) ++stats.failures_measured;
      if (++stats.failure_reasons[reason] == 1) stats.failure_examples[reason] = reply.body.substr(0, 300);
      // Against a host that is gone, do not spin on connection attempts.
      if (reply.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    };
    const auto started =
        timed(kStart, http::verb::post, api + "/process_models/sample_process/start?start_callback_type=1",
              R"({"correlationId":")" + correlation + R"(","inputValues":{}})");
    const auto instance = bench::check_started(started.status, started.body, correlation);
    if (!instance) {
      fail(kStart, started, instance);
      continue;
    }
    const auto listed = timed(kList, http::verb::get, api + "/correlations/" + correlation + "/user_tasks", "");
    const auto task = bench::check_user_tasks(listed.status, listed.body, correlation, instance.value);
    if (!task) {
      fail(kList, listed, task);
      continue;
    }
    const auto finished = timed(
        kFinish, http::verb::post,
        api + "/processes/" + instance.value + "/correlations/" + correlation + "/usertasks/" + task.value + "/finish",
        R"({"formFields":{"TaskWasSuccessful":true}})");
    if (const auto checked = bench::check_finished(finished.status, finished.body); !checked) {
      fail(kFinish, finished, checked);
      continue;
    }
    const auto result = timed(kResult, http::verb::get,
                              api + "/correlations/" + correlation + "/process_models/sample_process/results", "");
    if (const auto checked = bench::check_result(result.status, result.body, correlation); !checked) {
      fail(kResult, result, checked);
      continue;
    }
    if (measuring.load()) {
      ++stats.flows;
      for (int call = 0; call < kCallCount; ++call) stats.latency_ms[call].push_back(latencies[call]);
    } else {
      ++stats.flows_outside;
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
  for (int pid : options.host_pids) sample.host += process_cpu_seconds(pid);
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
    else if (name == "--port") options.ports = split_list(value());
    else if (name == "--clients") options.clients = std::atoi(value().c_str());
    else if (name == "--seconds") options.seconds = std::atoi(value().c_str());
    else if (name == "--warmup") options.warmup = std::atoi(value().c_str());
    else if (name == "--token") options.token = value();
    else if (name == "--host-pid") {
      for (const auto& pid : split_list(value())) options.host_pids.push_back(std::atoi(pid.c_str()));
    }
    else if (name == "--pg-pid") options.pg_pid = std::atoi(value().c_str());
    else {
      std::cerr << "usage: flow_bench --port PORT[,PORT...] [--host H] [--clients N] [--seconds S] [--warmup S] [--token JWT]"
                   " [--host-pid PID[,PID...]] [--pg-pid PID]\n";
      std::exit(2);
    }
  }
  if (options.ports.empty() || options.clients < 1 || options.seconds < 1) {
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
    total.flows_outside += client.flows_outside;
    total.failures += client.failures;
    total.failures_measured += client.failures_measured;
    total.retries += client.retries;
    for (const auto& [reason, count] : client.failure_reasons) {
      if ((total.failure_reasons[reason] += count) == count)
        total.failure_examples[reason] = client.failure_examples[reason];
    }
    for (int call = 0; call < kCallCount; ++call) {
      total.latency_ms[call].insert(total.latency_ms[call].end(), client.latency_ms[call].begin(),
                                    client.latency_ms[call].end());
    }
  }
  std::printf("clients %d, measured %.1f s after %d s warm-up\n", options.clients, elapsed, options.warmup);
  std::printf("complete flows: %ld (%.0f flows/s), %ld more outside the measured window\n", total.flows,
              static_cast<double>(total.flows) / elapsed, total.flows_outside);
  std::printf("failed flows: %ld (%ld in the measured window), retried reads: %ld\n", total.failures,
              total.failures_measured, total.retries);
  for (const auto& [reason, count] : total.failure_reasons) {
    std::printf("  %ld x %s; first answer: %s\n", count, reason.c_str(), total.failure_examples[reason].c_str());
  }
  std::printf("%-12s %10s %10s\n", "call", "p50 ms", "p99 ms");
  for (int call = 0; call < kCallCount; ++call) {
    std::printf("%-12s %10.2f %10.2f\n", kCallNames[call], percentile(total.latency_ms[call], 0.50),
                percentile(total.latency_ms[call], 0.99));
  }
  const double flows = static_cast<double>(std::max(total.flows, 1L));
  std::printf("CPU ms per complete flow: flow_bench %.3f", 1000 * (cpu_after.bench - cpu_before.bench) / flows);
  // A process (or, for PostgreSQL, a backend) that ended during the window is missing from the
  // second sample: no figure rather than a wrong one.
  auto print_cpu = [&](const char* name, double before, double after) {
    if (after < before || after <= 0) {
      std::printf(", %s n/a (process ended)", name);
      return;
    }
    std::printf(", %s %.3f", name, 1000 * (after - before) / flows);
  };
  if (!options.host_pids.empty()) {
    print_cpu(options.host_pids.size() > 1 ? "hosts" : "host", cpu_before.host, cpu_after.host);
  }
  if (options.pg_pid > 0) print_cpu("PostgreSQL", cpu_before.postgres, cpu_after.postgres);
  if (loads == 3) std::printf("; load average at the end %.2f %.2f %.2f", load[0], load[1], load[2]);
  std::printf("\n");
  std::fflush(stdout);
  if (total.failures > 0 || total.flows == 0) {
    std::fprintf(stderr, "flow_bench: FAILED: %ld failed flows, %ld complete in the measured window\n", total.failures,
                 total.flows);
    return 1;
  }
  return 0;
}
