#include "fuzz_entries.hpp"
#include "model/timer_definition.hpp"

namespace processhost::fuzz {
namespace {

constexpr std::int64_t kNowMs = 1'700'000'000'000;

template <class Value>
std::string shown(const std::optional<Value>& value) {
  return value ? std::to_string(*value) : "invalid";
}

}  // namespace

std::string timer_text(std::string_view input) {
  std::string outcome = "duration " + shown(engine::parse_iso_duration(input));
  outcome += ", date " + shown(engine::parse_iso_date(input));
  const auto cron = engine::CronSchedule::parse(input);
  outcome += ", cron " + (cron ? "next " + shown(cron->next_after(kNowMs)) : std::string("invalid"));
  return outcome;
}

}  // namespace processhost::fuzz
