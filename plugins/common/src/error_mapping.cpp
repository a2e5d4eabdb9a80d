#include "plugin_common/http_api/error_mapping.hpp"

#include <array>
#include <string>
#include <string_view>

#include "processhost/json.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::http_api {
namespace {

struct KindMapping {
  ErrorKind kind;
  ErrorStatus status;
  std::string (*message)(const ErrorSubject&);
  // Serialized JSON for "additionalInformation"; null: none.
  std::string (*additional_information)(const ErrorSubject&) = nullptr;
};

std::string quote(const std::string& id) { return "'" + id + "'"; }

// The reference says "an EmptyActivity", "a UserTask", "a ManualTask".
std::string article_for(const std::string& task_kind_name) {
  return task_kind_name == processhost::task_kind_name(TaskKind::empty_activity) ? "an " : "a ";
}

std::string start_event_ids(const ErrorSubject& subject) {
  std::string ids = "{\"startEventIds\":[";
  for (std::size_t i = 0; i < subject.candidates.size(); ++i) ids += (i ? "," : "") + json_quote(subject.candidates[i]);
  return ids + "]}";
}

std::string start_event_not_found(const ErrorSubject& subject) {
  return "StartEvent with ID " + quote(subject.id) + " not found!";
}

// In the order of ErrorKind, from the first kind after `unspecified`.
constexpr std::array<KindMapping, kErrorKindCount - 1> kMappings{{
    {ErrorKind::process_model_not_found, ErrorStatus::not_found,
     [](const ErrorSubject& s) { return "ProcessModel with id " + s.id + " not found!"; }},
    {ErrorKind::process_model_not_executable, ErrorStatus::bad_request,
     [](const ErrorSubject& s) { return "The process model " + quote(s.id) + " is not executable!"; }},
    {ErrorKind::start_event_not_found, ErrorStatus::not_found, start_event_not_found},
    // The caller is shown only the start events it may use: another is not found.
    {ErrorKind::start_event_not_accessible, ErrorStatus::not_found, start_event_not_found},
    {ErrorKind::no_accessible_start_event, ErrorStatus::forbidden,
     [](const ErrorSubject&) { return std::string("Access denied."); },
     [](const ErrorSubject& s) {
       return "{\"reason\":" +
              json_quote("No start event of process model " + quote(s.id) + " is accessible to this identity.") + "}";
     }},
    {ErrorKind::several_start_events, ErrorStatus::bad_request,
     [](const ErrorSubject& s) {
       return "The process model " + quote(s.id) +
              " has more than one start event: use the query parameter start_event_id to pick one.";
     },
     start_event_ids},
    {ErrorKind::end_event_not_found, ErrorStatus::not_found,
     [](const ErrorSubject& s) { return "EndEvent with ID " + quote(s.id) + " not found!"; }},
    {ErrorKind::task_not_waiting, ErrorStatus::not_found,
     [](const ErrorSubject& s) {
       return "ProcessInstance " + quote(s.process_instance_id) + " in Correlation " + quote(s.correlation_id) +
              " does not have " + article_for(s.element_type) + s.element_type + " with id " + quote(s.id);
     }},
    {ErrorKind::process_instance_not_found, ErrorStatus::not_found,
     [](const ErrorSubject& s) { return "process instance " + quote(s.id) + " not found"; }},
    {ErrorKind::external_task_not_found, ErrorStatus::not_found,
     [](const ErrorSubject& s) { return "External Task with ID " + quote(s.id) + " not found."; }},
    {ErrorKind::external_task_finished, ErrorStatus::gone,
     [](const ErrorSubject& s) {
       return "External Task with ID " + quote(s.id) + " has been finished and is no longer accessible.";
     }},
    {ErrorKind::external_task_locked, ErrorStatus::locked,
     [](const ErrorSubject& s) { return "External Task with ID " + quote(s.id) + " is locked by another worker."; }},
    // The original hides a model none of whose start events the caller may use: its GET, its
    // start and its correlation results answer as for a model the caller may not read.
    {ErrorKind::process_model_not_accessible, ErrorStatus::forbidden,
     [](const ErrorSubject&) { return std::string("Access denied."); },
     [](const ErrorSubject& s) {
       return "{\"reason\":" +
              json_quote("No part of process model " + quote(s.id) + " is accessible to this identity.") + "}";
     }},
    {ErrorKind::process_instance_not_running, ErrorStatus::conflict,
     [](const ErrorSubject& s) { return "ProcessInstance " + quote(s.id) + " is not running."; }},
}};

constexpr bool in_kind_order() {
  for (std::size_t i = 0; i < kMappings.size(); ++i) {
    if (static_cast<std::size_t>(kMappings[i].kind) != i + 1) return false;
  }
  return true;
}
static_assert(in_kind_order(), "one entry per ErrorKind, in the enum's order");

const KindMapping* mapping_of(ErrorKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  if (index == 0 || index >= kErrorKindCount) return nullptr;
  return &kMappings[index - 1];
}

}  // namespace

Error api_error(const Error& error) {
  const KindMapping* mapping = mapping_of(error.kind);
  if (!mapping) return error;
  Error answer =
      make_error(mapping->status, mapping->message(error.subject()),
                 mapping->additional_information ? mapping->additional_information(error.subject()) : std::string());
  answer.kind = error.kind;
  answer.about = error.about;
  return answer;
}

std::optional<ErrorStatus> mapped_status(ErrorKind kind) {
  const KindMapping* mapping = mapping_of(kind);
  if (!mapping) return std::nullopt;
  return mapping->status;
}

}  // namespace processhost::plugins::http_api
