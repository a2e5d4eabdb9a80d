// The API's table of typed engine errors: every kind has a status and wording, the wording
// is the reference's, and errors without a kind pass as they are.

#include "plugin_common/http_api/error_mapping.hpp"

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

namespace processhost::plugins::http_api {
namespace {

ErrorKind kind_at(std::size_t index) { return static_cast<ErrorKind>(index); }

Error typed(ErrorKind kind, ErrorSubject subject) {
  return make_error(kind, std::move(subject), ErrorStatus::internal, "the engine's wording");
}

TEST(ErrorMapping, EveryKindHasAStatusAndItsOwnWording) {
  for (std::size_t index = 1; index < kErrorKindCount; ++index) {
    const ErrorKind kind = kind_at(index);
    ASSERT_TRUE(mapped_status(kind)) << "kind " << index;
    const Error answer = api_error(typed(kind, {"x", "UserTask", "pi", "c", {"s1", "s2"}}));
    EXPECT_EQ(answer.status, *mapped_status(kind)) << "kind " << index;
    EXPECT_EQ(answer.kind, kind);
    EXPECT_FALSE(answer.message.empty()) << "kind " << index;
    EXPECT_NE(answer.message, "the engine's wording") << "kind " << index;
  }
}

TEST(ErrorMapping, ErrorsWithoutAKindPassAsTheyAre) {
  EXPECT_FALSE(mapped_status(ErrorKind::unspecified));
  const Error store_down = make_error(ErrorStatus::unavailable, "The store is unavailable.", R"({"retryAfterMs":1})");
  const Error answer = api_error(store_down);
  EXPECT_EQ(answer.status, ErrorStatus::unavailable);
  EXPECT_EQ(answer.message, store_down.message);
  EXPECT_EQ(answer.additional_information, store_down.additional_information);
  EXPECT_EQ(error_response(store_down).status, 503);
}

TEST(ErrorMapping, StartRefusalsUseTheReferenceWording) {
  EXPECT_EQ(api_error(typed(ErrorKind::start_event_not_found, {.id = "S"})).message, "StartEvent with ID 'S' not found!");
  const Error foreign = api_error(typed(ErrorKind::start_event_not_accessible, {.id = "S"}));
  EXPECT_EQ(foreign.status, ErrorStatus::not_found);
  EXPECT_EQ(foreign.message, "StartEvent with ID 'S' not found!");
  EXPECT_EQ(api_error(typed(ErrorKind::end_event_not_found, {.id = "E"})).message, "EndEvent with ID 'E' not found!");
  EXPECT_EQ(api_error(typed(ErrorKind::process_model_not_executable, {.id = "m"})).message,
            "The process model 'm' is not executable!");
  const Error several = api_error(typed(ErrorKind::several_start_events, {"m", {}, {}, {}, {"a", "b"}}));
  EXPECT_EQ(several.status, ErrorStatus::bad_request);
  EXPECT_EQ(several.additional_information, R"({"startEventIds":["a","b"]})");
  const Error none = api_error(typed(ErrorKind::no_accessible_start_event, {.id = "m"}));
  EXPECT_EQ(none.status, ErrorStatus::forbidden);
  EXPECT_EQ(none.message, "Access denied.");
  EXPECT_EQ(none.additional_information,
            R"({"reason":"No start event of process model 'm' is accessible to this identity."})");
}

TEST(ErrorMapping, AnUnknownModelInTheReferencesWords) {
  EXPECT_EQ(api_error(typed(ErrorKind::process_model_not_found, {.id = "m"})).message,
            "ProcessModel with id m not found!");
}

TEST(ErrorMapping, AModelTheCallerMaySeeNoPartOfIsAccessDenied) {
  const Error denied = api_error(typed(ErrorKind::process_model_not_accessible, {.id = "m"}));
  EXPECT_EQ(denied.status, ErrorStatus::forbidden);
  EXPECT_EQ(denied.message, "Access denied.");
  EXPECT_EQ(denied.additional_information,
            R"({"reason":"No part of process model 'm' is accessible to this identity."})");
}

TEST(ErrorMapping, TaskNotWaitingNamesInstanceCorrelationAndKind) {
  EXPECT_EQ(api_error(typed(ErrorKind::task_not_waiting, {"f", "UserTask", "pi", "c", {}})).message,
            "ProcessInstance 'pi' in Correlation 'c' does not have a UserTask with id 'f'");
  EXPECT_EQ(api_error(typed(ErrorKind::task_not_waiting, {"e", "EmptyActivity", "pi", "c", {}})).message,
            "ProcessInstance 'pi' in Correlation 'c' does not have an EmptyActivity with id 'e'");
}

TEST(ErrorMapping, ExternalTaskRefusals) {
  EXPECT_EQ(error_response(typed(ErrorKind::external_task_not_found, {.id = "t"})).status, 404);
  const Error finished = api_error(typed(ErrorKind::external_task_finished, {.id = "t"}));
  EXPECT_EQ(finished.status, ErrorStatus::gone);
  EXPECT_EQ(finished.message, "External Task with ID 't' has been finished and is no longer accessible.");
  const Error locked = api_error(typed(ErrorKind::external_task_locked, {.id = "t"}));
  EXPECT_EQ(locked.status, ErrorStatus::locked);
  EXPECT_EQ(locked.message, "External Task with ID 't' is locked by another worker.");
}

}  // namespace
}  // namespace processhost::plugins::http_api
