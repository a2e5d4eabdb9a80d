#pragma once
// The built-in part "metrics": provides processhost.metrics/1 (the host's MetricsRegistry,
// which outlives every part) and samples the process itself at every scrape: resident
// memory, open file descriptors, start time, and the build.

#include <memory>

#include "host_node.hpp"
#include "metrics_registry.hpp"
#include "service_registry.hpp"

namespace processhost::host {

std::unique_ptr<HostNode> make_metrics_node(MetricsRegistry& metrics, HostServiceRegistry& registry);

}  // namespace processhost::host
