#include "behaviours/behaviours.hpp"
#include "fuzz_entries.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "scripting/script_runtime.hpp"
#include "model/timer_definition.hpp"

namespace processhost::fuzz {
namespace {

// A fixed "now" keeps outcomes reproducible.
constexpr std::int64_t kNowMs = 1'700'000'000'000;

// What deploy and a start do with the timers of an accepted model: cycles are scheduled,
// durations and dates are turned into due times. Returns ", T timers, R refused".
std::string evaluate_timers(const engine::ProcessModel& model) {
  std::size_t timers = 0;
  std::size_t refused = 0;
  for (const auto& node : model.nodes) {
    if (node.timer == engine::TimerKind::none) continue;
    ++timers;
    if (node.timer == engine::TimerKind::cycle) {
      const auto cron = engine::CronSchedule::parse(node.timer_value);
      if (!cron || !cron->next_after(kNowMs)) ++refused;
    } else if (!engine::timer_due_at(node, kNowMs)) {
      ++refused;
    }
  }
  return ", " + std::to_string(timers) + " timers, " + std::to_string(refused) + " refused";
}

}  // namespace

std::string bpmn_document(std::string_view input) {
  engine::ParseOptions options;
  options.supports = engine::check_node_supported;
  options.check_syntax = engine::check_script_syntax;
  const auto outcome = engine::parse_bpmn(input, options);
  if (!outcome.ok()) {
    if (outcome.problems.empty()) finding("a model was refused without a problem");
    return "rejected: " + outcome.problems.front().message;
  }
  if (!outcome.problems.empty()) finding("a model was accepted with problems");
  return "accepted " + outcome.model->id + evaluate_timers(*outcome.model);
}

}  // namespace processhost::fuzz
