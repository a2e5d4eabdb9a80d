#include "model/timer_definition.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
#include <iterator>
#include <regex>
#include <vector>

namespace processhost::engine {
namespace {

// Longer timer texts are refused before matching: libstdc++'s std::regex recurses once per
// character and overflows the stack on long inputs (a 200,000-digit duration did), and no
// real duration or date comes near this length.
constexpr std::size_t kMaxTimerTextLength = 64;

// The latest due time a timer may have: the end of year 9999, the last a date can name.
constexpr std::int64_t kMaxDueMs = 253'402'300'799'999;

// The number in an optional group (0 when it did not match); false when it does not fit.
bool read_number(const std::ssub_match& match, std::int64_t& value) {
  value = 0;
  if (!match.matched) return true;
  const std::string text = match.str();
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// The first three digits of a fraction, as milliseconds.
std::int64_t milliseconds_of_fraction(const std::ssub_match& match) {
  if (!match.matched) return 0;
  std::string digits = match.str();
  digits.resize(3, '0');
  return (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
}

}  // namespace

std::optional<std::int64_t> parse_iso_duration(std::string_view text) {
  static const std::regex kDuration(
      R"(^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3})\d*)?S)?)?$)");
  if (text.size() > kMaxTimerTextLength) return std::nullopt;
  const std::string value(text);
  std::smatch match;
  if (value == "P" || value.ends_with("T") || !std::regex_match(value, match, kDuration)) return std::nullopt;
  constexpr std::int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  constexpr std::int64_t kUnits[] = {365 * kDay, 30 * kDay, 7 * kDay, kDay, kHour, kMinute, kSecond};
  std::int64_t total = milliseconds_of_fraction(match[8]);
  for (std::size_t i = 0; i < std::size(kUnits); ++i) {
    std::int64_t count = 0;
    std::int64_t part = 0;
    // A duration beyond 64 bits of milliseconds is no duration a timer can wait for.
    if (!read_number(match[i + 1], count) || __builtin_mul_overflow(count, kUnits[i], &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
  }
  return total;
}

std::optional<std::int64_t> parse_iso_date(std::string_view text) {
  static const std::regex kDate(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|([+-])(\d{2}):?(\d{2}))?$)");
  if (text.size() > kMaxTimerTextLength) return std::nullopt;
  const std::string value(text);
  std::smatch match;
  if (!std::regex_match(value, match, kDate)) return std::nullopt;
  // Every group has at most four digits, so none of these reads can fail.
  std::int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset_hours = 0, offset_minutes = 0;
  read_number(match[1], year);
  read_number(match[2], month);
  read_number(match[3], day);
  read_number(match[4], hour);
  read_number(match[5], minute);
  read_number(match[6], second);
  read_number(match[10], offset_hours);
  read_number(match[11], offset_minutes);
  std::tm time{};
  time.tm_year = static_cast<int>(year) - 1900;
  time.tm_mon = static_cast<int>(month) - 1;
  time.tm_mday = static_cast<int>(day);
  time.tm_hour = static_cast<int>(hour);
  time.tm_min = static_cast<int>(minute);
  time.tm_sec = static_cast<int>(second);
  if (time.tm_mon < 0 || time.tm_mon > 11 || time.tm_mday < 1 || time.tm_mday > 31 || time.tm_hour > 23 ||
      time.tm_min > 59 || time.tm_sec > 60) {
    return std::nullopt;
  }
  std::int64_t ms = static_cast<std::int64_t>(timegm(&time)) * 1000 + milliseconds_of_fraction(match[7]);
  if (match[9].matched) {
    const std::int64_t offset = (offset_hours * 60 + offset_minutes) * 60 * 1000;
    ms += match[9].str() == "+" ? -offset : offset;
  }
  return ms;
}

Result<std::int64_t> timer_due_at(const FlowNode& node, std::int64_t now_ms) {
  return timer_due_at(node, node.timer_value, now_ms);
}

Result<std::int64_t> timer_due_at(const FlowNode& node, const std::string& value, std::int64_t now_ms) {
  switch (node.timer) {
    case TimerKind::duration:
      if (auto duration = parse_iso_duration(value)) {
        if (*duration > kMaxDueMs - now_ms) {
          return make_error(ErrorStatus::unprocessable,
                            "The given duration definition " + value + " ends after the year 9999");
        }
        return now_ms + *duration;
      }
      return make_error(ErrorStatus::unprocessable,
                        "The given duration definition " + value + " is not in ISO8601 format");
    case TimerKind::date:
      if (auto date = parse_iso_date(value)) return *date;
      return make_error(ErrorStatus::unprocessable,
                        "The given date definition " + value + " is not in ISO8601 format");
    case TimerKind::cycle:
      return make_error(ErrorStatus::unprocessable, "Cyclic timers are only allowed for TimerStartEvents");
    case TimerKind::none:
      break;
  }
  return make_error(ErrorStatus::unprocessable, "timer event '" + node.id + "' has no timer definition");
}

namespace {

// Month and weekday names (case-insensitive), as Quartz and most crontabs accept them.
constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  int low;
  int high;
  // Names for the values first_name, first_name + 1, ...; empty when the field has none.
  const std::string_view* names = nullptr;
  std::size_t name_count = 0;
  int first_name = 0;
  // The bit of value v is v - bit_base; values outside 0-63 bits are accepted and never match.
  int bit_base = 0;
};

constexpr int kYearBitBase = 2000;

bool read_value(std::string_view text, const FieldSpec& spec, int& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) return true;
  for (std::size_t i = 0; i < spec.name_count; ++i) {
    const auto name = spec.names[i];
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) { return std::toupper(a) == b; })) {
      value = spec.first_name + static_cast<int>(i);
      return true;
    }
  }
  return false;
}

// Parses one cron field into a bit set over [low, high]; false when malformed. "a/n" starts
// at a and steps to the field's end, as in cron and Quartz.
bool parse_field(std::string_view field, const FieldSpec& spec, std::uint64_t& bits) {
  bits = 0;
  std::size_t position = 0;
  while (position <= field.size()) {
    const std::size_t comma = std::min(field.find(',', position), field.size());
    std::string_view part = field.substr(position, comma - position);
    position = comma + 1;
    int step = 1;
    bool stepped = false;
    if (auto slash = part.find('/'); slash != std::string_view::npos) {
      auto step_text = part.substr(slash + 1);
      auto [end, error] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (error != std::errc() || end != step_text.data() + step_text.size() || step < 1) return false;
      part = part.substr(0, slash);
      stepped = true;
    }
    int from = spec.low, to = spec.high;
    if (part != "*") {
      auto dash = part.find('-');
      if (dash == std::string_view::npos) {
        if (!read_value(part, spec, from)) return false;
        to = stepped ? spec.high : from;
      } else if (!read_value(part.substr(0, dash), spec, from) || !read_value(part.substr(dash + 1), spec, to)) {
        return false;
      }
      if (from < spec.low || to > spec.high || from > to) return false;
    }
    // 64-bit, so that a step as large as an int ("59/2147483647") cannot overflow the counter.
    bool any = false;
    for (std::int64_t value = from; value <= to; value += step) {
      any = true;
      const std::int64_t bit = value - spec.bit_base;
      if (bit >= 0 && bit < 64) bits |= std::uint64_t{1} << bit;
    }
    if (!any) return false;
    if (comma == field.size()) break;
  }
  return spec.bit_base != 0 || bits != 0;
}

bool has(std::uint64_t bits, int value) { return (bits >> value) & 1U; }

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t position = 0;
  while (position < text.size()) {
    const auto start = text.find_first_not_of(' ', position);
    if (start == std::string_view::npos) break;
    const auto end = std::min(text.find(' ', start), text.size());
    fields.push_back(text.substr(start, end - start));
    position = end;
  }
  if (fields.size() != 6 && fields.size() != 7) return std::nullopt;
  // Quartz's dialect (Camunda 7's timer cycles): '?' for "no restriction" in one of the day
  // fields, an optional seventh field for the year, and weekdays 1-7 from Sunday.
  const bool quartz = fields.size() == 7 || fields[3] == "?" || fields[5] == "?";
  CronSchedule schedule;
  const FieldSpec seconds{0, 59}, minutes{0, 59}, hours{0, 23}, days{1, 31};
  const FieldSpec months{1, 12, kMonthNames.data(), kMonthNames.size(), 1};
  const FieldSpec weekdays = quartz ? FieldSpec{1, 7, kWeekdayNames.data(), kWeekdayNames.size(), 1}
                                    : FieldSpec{0, 7, kWeekdayNames.data(), kWeekdayNames.size(), 0};
  const auto day_field = fields[3] == "?" ? std::string_view("*") : fields[3];
  const auto weekday_field = fields[5] == "?" ? std::string_view("*") : fields[5];
  if (!parse_field(fields[0], seconds, schedule.seconds_) || !parse_field(fields[1], minutes, schedule.minutes_) ||
      !parse_field(fields[2], hours, schedule.hours_) || !parse_field(day_field, days, schedule.days_) ||
      !parse_field(fields[4], months, schedule.months_) || !parse_field(weekday_field, weekdays, schedule.weekdays_)) {
    return std::nullopt;
  }
  if (quartz) {
    schedule.weekdays_ >>= 1;  // Quartz's 1 (Sunday) .. 7 (Saturday) onto tm_wday's 0 .. 6
  } else if (has(schedule.weekdays_, 7)) {
    schedule.weekdays_ |= 1U;
  }
  if (fields.size() == 7 && fields[6] != "*") {
    // Quartz's years 1970-2099 as bits from 2000: a schedule looks 5 years ahead at most.
    if (!parse_field(fields[6], FieldSpec{1970, 2099, nullptr, 0, 0, kYearBitBase}, schedule.years_)) {
      return std::nullopt;
    }
    schedule.year_restricted_ = true;
  }
  schedule.day_restricted_ = day_field != "*";
  schedule.weekday_restricted_ = weekday_field != "*";
  return schedule;
}

std::optional<std::int64_t> CronSchedule::next_after(std::int64_t after_ms) const {
  std::time_t seconds = static_cast<std::time_t>(after_ms / 1000) + 1;
  const std::time_t limit = seconds + std::time_t{5} * 366 * 24 * 3600;
  while (seconds < limit) {
    std::tm time{};
    gmtime_r(&seconds, &time);
    const bool day_ok = day_restricted_ && weekday_restricted_
                            ? has(days_, time.tm_mday) || has(weekdays_, time.tm_wday)
                            : has(days_, time.tm_mday) && has(weekdays_, time.tm_wday);
    if (year_restricted_) {
      const int bit = time.tm_year + 1900 - kYearBitBase;
      if (bit < 0 || bit >= 64 || !has(years_, bit)) {
        seconds += (24 - time.tm_hour) * 3600 - time.tm_min * 60 - time.tm_sec;  // next day
        continue;
      }
    }
    if (!has(months_, time.tm_mon + 1) || !day_ok) {
      seconds += (24 - time.tm_hour) * 3600 - time.tm_min * 60 - time.tm_sec;
      continue;
    }
    if (!has(hours_, time.tm_hour)) {
      seconds += 3600 - time.tm_min * 60 - time.tm_sec;
      continue;
    }
    if (!has(minutes_, time.tm_min)) {
      seconds += 60 - time.tm_sec;
      continue;
    }
    if (!has(seconds_, time.tm_sec)) {
      ++seconds;
      continue;
    }
    return static_cast<std::int64_t>(seconds) * 1000;
  }
  return std::nullopt;
}

}  // namespace processhost::engine
