#include "metrics_node.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "processhost/plugin.hpp"

namespace processhost::host {
namespace {

// Resident set size from /proc/self/statm (its second field, in pages); 0 when unreadable.
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_file_descriptors() {
  std::error_code error;
  std::size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) {
    ++count;
  }
  return static_cast<double>(count);
}

class MetricsNode final : public HostNode {
 public:
  MetricsNode(MetricsRegistry& metrics, HostServiceRegistry& registry) : metrics_(metrics), registry_(registry) {
    info_ = {"metrics", PROCESSHOST_VERSION, "", {std::string(MetricsService::kServiceId)}, {}};
  }
  const NodeInfo& info() const override { return info_; }

  void configure() override {
    registry_.provide(info_.name, MetricsService::kServiceId, static_cast<MetricsService*>(&metrics_));
    metrics_.gauge("processhost_build_info", "The running build; the value is always 1",
                   {{"version", PROCESSHOST_VERSION}, {"abi", PROCESSHOST_ABI_TAG}})
        .set(1);
    const double started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    metrics_.gauge("process_start_time_seconds", "When the host process started, in seconds since the epoch")
        .set(started);
    collector_ = metrics_.add_collector([](MetricSampleWriter& writer) {
      writer.gauge("process_resident_memory_bytes", "Resident memory of the host process", {}, resident_bytes());
      writer.gauge("process_open_fds", "Open file descriptors of the host process", {}, open_file_descriptors());
    });
  }
  void start() override {}
  void stop() noexcept override {}
  void destroy() noexcept override {
    if (collector_ != 0) metrics_.remove_collector(collector_);
    collector_ = 0;
    registry_.withdraw(info_.name);
  }

 private:
  NodeInfo info_;
  MetricsRegistry& metrics_;
  HostServiceRegistry& registry_;
  std::uint64_t collector_ = 0;
};

}  // namespace

std::unique_ptr<HostNode> make_metrics_node(MetricsRegistry& metrics, HostServiceRegistry& registry) {
  return std::make_unique<MetricsNode>(metrics, registry);
}

}  // namespace processhost::host
