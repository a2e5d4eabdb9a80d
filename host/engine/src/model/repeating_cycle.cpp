#include "model/repeating_cycle.hpp"

#include <charconv>

#include "model/timer_definition.hpp"

namespace processhost::engine {

std::optional<RepeatingCycle> RepeatingCycle::parse(std::string_view text) {
  if (text.size() < 3 || text.front() != 'R') return std::nullopt;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  RepeatingCycle cycle;
  const auto count = text.substr(1, slash - 1);
  if (!count.empty()) {
    std::int64_t repetitions = 0;
    auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), repetitions);
    if (error != std::errc() || end != count.data() + count.size() || repetitions < 0) return std::nullopt;
    cycle.repetitions = repetitions;
  }
  auto rest = text.substr(slash + 1);
  if (const auto second = rest.find('/'); second != std::string_view::npos) {
    cycle.start_ms = parse_iso_date(rest.substr(0, second));
    if (!cycle.start_ms) return std::nullopt;
    rest = rest.substr(second + 1);
  }
  const auto interval = parse_iso_duration(rest);
  if (!interval || *interval <= 0) return std::nullopt;
  cycle.interval_ms = *interval;
  return cycle;
}

std::optional<std::int64_t> RepeatingCycle::due(std::int64_t fired, std::int64_t anchor_ms) const {
  if (fired < 0 || (repetitions && fired >= *repetitions)) return std::nullopt;
  if (start_ms) return *start_ms + fired * interval_ms;
  return anchor_ms + (fired + 1) * interval_ms;
}

std::int64_t RepeatingCycle::firings_since(std::int64_t anchor_ms, std::int64_t now_ms) const {
  if (now_ms <= anchor_ms) return 0;
  return (now_ms - anchor_ms) / interval_ms;
}

std::int64_t RepeatingCycle::firings_over(std::int64_t now_ms) const {
  if (!start_ms || *start_ms >= now_ms) return 0;
  return (now_ms - *start_ms + interval_ms - 1) / interval_ms;
}

}  // namespace processhost::engine
