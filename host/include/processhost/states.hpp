#pragma once
// The engine's states and event kinds, and their one spelling. The words are what JSON
// carries and what stores keep (pg_store's SQL included), so they never change with the
// enums; name_of() gives the word, parse_name() takes it back and refuses any other word.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace processhost {

// A process instance.
enum class ProcessInstanceState : std::uint8_t { running, finished, terminated, error };

// A flow node instance: running (a service task in progress, a sub-process), suspended
// (waiting for a task to be finished or an event), then one of the ends.
enum class FlowNodeState : std::uint8_t { running, suspended, finished, terminated, error };

// An external task: pending until a worker finishes it.
enum class ExternalTaskState : std::uint8_t { pending, finished };

// What an EngineEvent reports.
enum class EngineEventKind : std::uint8_t {
  process_started,
  process_finished,
  process_error,
  process_terminated,
  end_event_reached,
  user_task_waiting,
  manual_task_waiting,
  empty_activity_waiting,
  event_waiting,
  message_sent,
  signal_sent,
  activity_reached,   // a script, service, send or receive task, sub-process or call activity began
  activity_finished,  // ... and ended (finished, or failed: the payload is then the token it failed with)
  user_task_finished,
  manual_task_finished,
  empty_activity_finished,
  boundary_event_triggered,  // a boundary event fired (message, signal, timer) or caught an error
  event_finished,            // an intermediate catch event received what it waited for
  // Cron start events (not tied to a transition; see docs/engine.md "Cron events"): one per
  // start event, flow_node_id the start event, payload {"crontab": ...}.
  cronjob_executed,  // a cron start event started an instance (process_instance_id, correlation_id set)
  cronjob_updated,   // a deployment scheduled the start event (anew)
  cronjob_removed,   // the model was deleted: the start event no longer fires
};

// The words, in the order of each enum. Specialised once per enum, here only.
template <class Enum>
struct EnumNames;

template <>
struct EnumNames<ProcessInstanceState> {
  static constexpr std::array<std::string_view, 4> kNames{"running", "finished", "terminated", "error"};
};

template <>
struct EnumNames<FlowNodeState> {
  static constexpr std::array<std::string_view, 5> kNames{"running", "suspended", "finished", "terminated", "error"};
};

template <>
struct EnumNames<ExternalTaskState> {
  static constexpr std::array<std::string_view, 2> kNames{"pending", "finished"};
};

template <>
struct EnumNames<EngineEventKind> {
  static constexpr std::array<std::string_view, 21> kNames{"process_started",
                                                           "process_finished",
                                                           "process_error",
                                                           "process_terminated",
                                                           "end_event_reached",
                                                           "user_task_waiting",
                                                           "manual_task_waiting",
                                                           "empty_activity_waiting",
                                                           "event_waiting",
                                                           "message_sent",
                                                           "signal_sent",
                                                           "activity_reached",
                                                           "activity_finished",
                                                           "user_task_finished",
                                                           "manual_task_finished",
                                                           "empty_activity_finished",
                                                           "boundary_event_triggered",
                                                           "event_finished",
                                                           "cronjob_executed",
                                                           "cronjob_updated",
                                                           "cronjob_removed"};
};

template <class Enum>
concept NamedEnum = requires {
  EnumNames<Enum>::kNames;
};

// How many values the enum has; its values are 0 .. count - 1.
template <NamedEnum Enum>
inline constexpr std::size_t kEnumCount = EnumNames<Enum>::kNames.size();

template <NamedEnum Enum>
constexpr std::string_view name_of(Enum value) noexcept {
  return EnumNames<Enum>::kNames[static_cast<std::size_t>(value)];
}

// nullopt when text is not one of the enum's words.
template <NamedEnum Enum>
constexpr std::optional<Enum> parse_name(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kEnumCount<Enum>; ++i) {
    if (EnumNames<Enum>::kNames[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace processhost
