#include "element_handlers.hpp"
#include "fuzz_entries.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "script_runtime.hpp"
#include "timer_definition.hpp"

namespace processhost::fuzz {
namespace {

// A fixed "now" keeps outcomes reproducible.
constexpr std::int64_t kNowMs = 1'700'000'000'000;

// What deploy and a start do with the timers of an accepted model: cycles are scheduled,
// durations and dates are turned into due times.
void evaluate_timers(const engine::ProcessModel& model) {
  for (const auto& node : model.nodes) {
    if (node.timer == engine::TimerKind::cycle) {
      if (auto cron = engine::CronSchedule::parse(node.timer_value)) (void)cron->next_after(kNowMs);
    } else if (node.timer != engine::TimerKind::none) {
      (void)engine::timer_due_at(node, kNowMs);
    }
  }
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
  evaluate_timers(*outcome.model);
  return "accepted " + outcome.model->id;
}

}  // namespace processhost::fuzz
