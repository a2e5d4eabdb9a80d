#pragma once
// Timer values of the dialect: ISO-8601 durations and dates, 6-field cron cycles (seconds
// first). Pure functions, safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "processhost/engine/process_model.hpp"
#include "processhost/result.hpp"

namespace processhost::engine {

// Milliseconds of an ISO-8601 duration (P1Y2M3W4DT5H6M7.5S); nullopt when the text does not
// match the strict form. Years count 365 days and months 30 days.
std::optional<std::int64_t> parse_iso_duration(std::string_view text);
// Unix epoch milliseconds of a strict ISO-8601 date-time (2020-01-31T10:00:00[.sss][Z|+hh:mm]);
// without a zone the time is UTC. nullopt when the text does not match.
std::optional<std::int64_t> parse_iso_date(std::string_view text);

// When a timer catch event, boundary event or non-cyclic start event reached at now_ms falls
// due. 422 with the dialect's messages for invalid values and for cycles. value: the node's
// timer value, or what its "${...}" expression evaluated to.
Result<std::int64_t> timer_due_at(const FlowNode& node, std::int64_t now_ms);
Result<std::int64_t> timer_due_at(const FlowNode& node, const std::string& value, std::int64_t now_ms);

// A 6-field cron expression: second minute hour day-of-month month day-of-week, each field
// '*', a number, a range a-b, a list, or a step (*/n, a/n, a-b/n); month and weekday names
// (JAN, MON). Day of week 0-7 (0 and 7: Sunday). Quartz's dialect, as Camunda 7 models use it,
// is recognised by '?' in a day field or a seventh (year) field: '?' means any day, weekdays
// are 1-7 from Sunday, years 1970-2099. Quartz's L, W and # are not supported.
class CronSchedule {
 public:
  static std::optional<CronSchedule> parse(std::string_view text);
  // The first matching second strictly after after_ms (UTC); nullopt when none within 5 years.
  std::optional<std::int64_t> next_after(std::int64_t after_ms) const;

 private:
  std::uint64_t seconds_ = 0, minutes_ = 0, hours_ = 0, days_ = 0, months_ = 0, weekdays_ = 0;
  std::uint64_t years_ = 0;  // bit y - 2000, when year_restricted_
  bool day_restricted_ = false, weekday_restricted_ = false, year_restricted_ = false;
};

}  // namespace processhost::engine
