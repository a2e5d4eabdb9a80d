#include "metrics_registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace processhost::host {
namespace {

bool valid_name(std::string_view name, bool colons) {
  if (name.empty()) return false;
  const auto allowed = [&](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':') ||
           (!first && c >= '0' && c <= '9');
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!allowed(name[i], i == 0)) return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value);
    out.append(text, result.ptr);
  }
}

MetricLabels sorted(MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

// {a="x",b="y"} with an extra label appended (le of a bucket); empty without labels.
std::string label_text(const MetricLabels& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"";
    append_escaped(out, value, true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (out.size() > 1) out += ',';
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + '"';
  }
  return out + "}";
}

void append_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, const std::string& labels, double value) {
  out += name;
  out += labels;
  out += ' ';
  append_number(out, value);
  out += '\n';
}

// Samples written by collectors during one render, grouped by name.
class CollectedSamples final : public MetricSampleWriter {
 public:
  void gauge(std::string_view name, std::string_view help, const MetricLabels& labels, double value) override {
    if (!valid_name(name, true)) return;  // a collector's mistake must not break the exposition
    auto& family = families_[std::string(name)];
    if (family.help.empty()) family.help = std::string(help);
    family.samples.emplace_back(label_text(sorted(labels)), value);
  }
  void append_to(std::string& out) const {
    for (const auto& [name, family] : families_) {
      append_header(out, name, family.help, "gauge");
      for (const auto& [labels, value] : family.samples) append_sample(out, name, labels, value);
    }
  }

 private:
  struct Family {
    std::string help;
    std::vector<std::pair<std::string, double>> samples;
  };
  std::map<std::string, Family> families_;
};

}  // namespace

MetricsRegistry::MetricsRegistry(std::size_t max_series)
    : max_series_(max_series),
      overflow_requests_(*std::get<std::unique_ptr<MetricCounter>>(
                             find_or_create("processhost_metric_series_overflow_total",
                                            "Metric series not created because the series limit was reached", Type::counter,
                                            {}, {})
                                 ->cell)) {}

MetricsRegistry::Series* MetricsRegistry::find_or_create(std::string_view name, std::string_view help, Type type,
                                                         const MetricLabels& labels,
                                                         const std::vector<double>& upper_bounds) {
  if (!valid_name(name, true)) throw std::invalid_argument("metric name '" + std::string(name) + "' is not valid");
  for (const auto& [label, value] : labels) {
    if (!valid_name(label, false) || label.rfind("__", 0) == 0 || label == "le") {
      throw std::invalid_argument("label name '" + label + "' of metric '" + std::string(name) + "' is not valid");
    }
  }
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{type, std::string(help), upper_bounds, {}}).first;
  } else if (family->second.type != type) {
    throw std::invalid_argument("metric '" + std::string(name) + "' exists with another type");
  }
  auto ordered = sorted(labels);
  const std::string key = label_text(ordered);
  if (auto found = family->second.series.find(key); found != family->second.series.end()) return &found->second;
  if (series_count_ >= max_series_) return nullptr;
  ++series_count_;
  Cell cell;
  switch (type) {
    case Type::counter:
      cell = std::make_unique<MetricCounter>();
      break;
    case Type::gauge:
      cell = std::make_unique<MetricGauge>();
      break;
    case Type::histogram:
      cell = std::make_unique<MetricHistogram>(family->second.upper_bounds);
      break;
  }
  return &family->second.series.emplace(key, Series{std::move(ordered), std::move(cell)}).first->second;
}

MetricCounter& MetricsRegistry::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::lock_guard lock(mutex_);
  auto* series = find_or_create(name, help, Type::counter, labels, {});
  if (series == nullptr) {
    overflow_requests_.add();
    return overflow_counter_;
  }
  return *std::get<std::unique_ptr<MetricCounter>>(series->cell);
}

MetricGauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::lock_guard lock(mutex_);
  auto* series = find_or_create(name, help, Type::gauge, labels, {});
  if (series == nullptr) {
    overflow_requests_.add();
    return overflow_gauge_;
  }
  return *std::get<std::unique_ptr<MetricGauge>>(series->cell);
}

MetricHistogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            const std::vector<double>& upper_bounds, const MetricLabels& labels) {
  if (!std::is_sorted(upper_bounds.begin(), upper_bounds.end()) ||
      std::adjacent_find(upper_bounds.begin(), upper_bounds.end()) != upper_bounds.end()) {
    throw std::invalid_argument("the bucket bounds of histogram '" + std::string(name) + "' must ascend");
  }
  std::lock_guard lock(mutex_);
  auto* series = find_or_create(name, help, Type::histogram, labels, upper_bounds);
  if (series == nullptr) {
    overflow_requests_.add();
    return overflow_histogram_;
  }
  return *std::get<std::unique_ptr<MetricHistogram>>(series->cell);
}

std::uint64_t MetricsRegistry::add_collector(std::function<void(MetricSampleWriter&)> collector) {
  std::lock_guard lock(mutex_);
  const auto id = next_collector_id_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void MetricsRegistry::remove_collector(std::uint64_t collector_id) {
  std::lock_guard lock(mutex_);
  collectors_.erase(collector_id);
}

std::string MetricsRegistry::render() const {
  std::string out;
  CollectedSamples collected;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    static constexpr std::string_view kTypes[] = {"counter", "gauge", "histogram"};
    append_header(out, name, family.help, kTypes[static_cast<int>(family.type)]);
    for (const auto& [labels, series] : family.series) {
      if (const auto* counter = std::get_if<std::unique_ptr<MetricCounter>>(&series.cell)) {
        append_sample(out, name, labels, static_cast<double>((*counter)->value()));
      } else if (const auto* gauge = std::get_if<std::unique_ptr<MetricGauge>>(&series.cell)) {
        append_sample(out, name, labels, (*gauge)->value());
      } else {
        const auto& histogram = *std::get<std::unique_ptr<MetricHistogram>>(series.cell);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= histogram.upper_bounds().size(); ++i) {
          cumulative += histogram.bucket_count(i);
          std::string bound;
          if (i < histogram.upper_bounds().size()) {
            append_number(bound, histogram.upper_bounds()[i]);
          } else {
            bound = "+Inf";
          }
          append_sample(out, name + "_bucket", label_text(series.labels, "le", bound), static_cast<double>(cumulative));
        }
        append_sample(out, name + "_sum", labels, histogram.sum());
        append_sample(out, name + "_count", labels, static_cast<double>(cumulative));
      }
    }
  }
  // Collectors run under the lock: one scrape at a time, and never beside remove_collector.
  // A collector that throws loses its samples of this scrape, not the exposition.
  for (const auto& [id, collector] : collectors_) {
    try {
      collector(collected);
    } catch (...) {
    }
  }
  collected.append_to(out);
  return out;
}

}  // namespace processhost::host
