// The host's metrics registry: cells by name and labels, the Prometheus text it renders,
// collectors, the rules it enforces and the series limit.

#include "metrics_registry.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace processhost::host {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetricsRegistry, RendersCountersAndGaugesWithSortedEscapedLabels) {
  MetricsRegistry metrics;
  auto& started = metrics.counter("processhost_instances_started_total", "Instances started", {{"model", "order"}});
  started.add();
  started.add(2);
  // The same labels in another order are the same series.
  auto& again = metrics.counter("processhost_instances_started_total", "Instances started", {{"model", "order"}});
  EXPECT_EQ(&again, &started);
  metrics.gauge("queue_length", "Waiting items", {{"z", "1"}, {"a", "quote\" back\\slash\nline"}}).set(2.5);
  const auto text = metrics.render();
  EXPECT_TRUE(contains(text, "# HELP processhost_instances_started_total Instances started\n"
                             "# TYPE processhost_instances_started_total counter\n"
                             "processhost_instances_started_total{model=\"order\"} 3\n"))
      << text;
  EXPECT_TRUE(contains(text, "queue_length{a=\"quote\\\" back\\\\slash\\nline\",z=\"1\"} 2.5\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE queue_length gauge\n")) << text;
}

TEST(MetricsRegistry, RendersHistogramsWithCumulativeBuckets) {
  MetricsRegistry metrics;
  auto& latency = metrics.histogram("request_seconds", "Latency", {0.1, 1}, {{"route", "/a"}});
  latency.observe(0.05);
  latency.observe(0.1);
  latency.observe(0.5);
  latency.observe(7);
  const auto text = metrics.render();
  EXPECT_TRUE(contains(text, "# TYPE request_seconds histogram\n"
                             "request_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
                             "request_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
                             "request_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
                             "request_seconds_sum{route=\"/a\"} 7.65\n"
                             "request_seconds_count{route=\"/a\"} 4\n"))
      << text;
}

TEST(MetricsRegistry, CollectorsAddSamplesUntilRemoved) {
  MetricsRegistry metrics;
  const auto id = metrics.add_collector([](MetricSampleWriter& writer) {
    writer.gauge("pool_in_use", "Connections in use", {{"pool", "main"}}, 3);
    writer.gauge("bad name!", "ignored", {}, 1);
  });
  metrics.add_collector([](MetricSampleWriter&) { throw std::runtime_error("collector failed"); });
  auto text = metrics.render();
  EXPECT_TRUE(contains(text, "# TYPE pool_in_use gauge\npool_in_use{pool=\"main\"} 3\n")) << text;
  EXPECT_FALSE(contains(text, "bad name")) << text;
  metrics.remove_collector(id);
  EXPECT_FALSE(contains(metrics.render(), "pool_in_use"));
}

TEST(MetricsRegistry, RefusesInvalidNamesLabelsTypesAndBounds) {
  MetricsRegistry metrics;
  EXPECT_THROW(metrics.counter("1starts_with_digit", "x"), std::invalid_argument);
  EXPECT_THROW(metrics.counter("ok", "x", {{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(metrics.counter("ok", "x", {{"__reserved", "1"}}), std::invalid_argument);
  EXPECT_THROW(metrics.counter("ok", "x", {{"has-dash", "1"}}), std::invalid_argument);
  metrics.counter("typed", "x");
  EXPECT_THROW(metrics.gauge("typed", "x"), std::invalid_argument);
  EXPECT_THROW(metrics.histogram("h", "x", {1, 0.5}), std::invalid_argument);
  EXPECT_THROW(metrics.histogram("h", "x", {1, 1}), std::invalid_argument);
}

TEST(MetricsRegistry, PastTheSeriesLimitCellsAreSharedAndCounted) {
  MetricsRegistry metrics(3);  // the overflow counter itself is the first series
  auto& a = metrics.counter("per_model_total", "x", {{"model", "a"}});
  auto& b = metrics.counter("per_model_total", "x", {{"model", "b"}});
  auto& c = metrics.counter("per_model_total", "x", {{"model", "c"}});
  auto& d = metrics.counter("per_model_total", "x", {{"model", "d"}});
  EXPECT_NE(&a, &b);
  EXPECT_EQ(&c, &d) << "both beyond the limit";
  c.add(5);
  const auto text = metrics.render();
  EXPECT_FALSE(contains(text, "model=\"c\"")) << text;
  EXPECT_TRUE(contains(text, "processhost_metric_series_overflow_total 2\n")) << text;
}

}  // namespace
}  // namespace processhost::host
