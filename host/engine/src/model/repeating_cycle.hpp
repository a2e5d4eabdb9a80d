#pragma once
// ISO-8601 repeating intervals as BPMN timer cycles write them: R[n]/<duration> or
// R[n]/<start date-time>/<duration> (R3/PT10H, R/PT1M, R3/2026-01-01T00:00:00Z/PT1H). Timer
// start events accept them beside 6-field cron; non-interrupting timer boundary events only
// them. Pure functions, safe from any thread.

#include <cstdint>
#include <optional>
#include <string_view>

namespace processhost::engine {

struct RepeatingCycle {
  std::optional<std::int64_t> repetitions;  // R<n>: n firings; nullopt (R alone): unbounded
  std::optional<std::int64_t> start_ms;     // the first firing, when the cycle names one
  std::int64_t interval_ms = 0;             // > 0

  // nullopt when text is not R[n]/[start/]duration with a positive duration.
  static std::optional<RepeatingCycle> parse(std::string_view text);
  // When firing number `fired` (0 for the first) falls due, for a cycle armed at anchor_ms:
  // with a start date at start + fired * interval, else interval after the anchor and every
  // interval after that. nullopt once the repetitions are used up.
  std::optional<std::int64_t> due(std::int64_t fired, std::int64_t anchor_ms) const;
  // How many firings are over at now_ms: with a start date in the past, those due before now
  // (they are skipped, not made up for); else 0.
  std::int64_t firings_over(std::int64_t now_ms) const;
  // For a cycle without a start date anchored at anchor_ms: the firings due by now_ms, so that
  // due(firings_since(...), anchor_ms) is the next one after now_ms.
  std::int64_t firings_since(std::int64_t anchor_ms, std::int64_t now_ms) const;
};

}  // namespace processhost::engine
