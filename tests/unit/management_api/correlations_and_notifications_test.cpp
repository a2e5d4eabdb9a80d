// The Management API's correlation routes in its table, and the event names of its socket.io
// namespace.

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "management_api_routes.hpp"
#include "management_notifications.hpp"

namespace processhost::plugins::management_api {
namespace {

TEST(ManagementApiCorrelationRoutes, AreTheContractsPagedListsAndTheCorrelationById) {
  std::map<std::string, const RouteDescriptor*> by_operation;
  const auto routes = management_api_routes();
  for (const auto& route : routes) by_operation[route.operation_id] = &route;
  const std::string base = kManagementApiBase;
  const struct {
    const char* operation;
    const char* path;
    bool paged;
    const char* schema;
  } expected[] = {
      {"getAllCorrelations", "/correlations/all", true, "CorrelationList"},
      {"getActiveCorrelations", "/correlations/active", true, "CorrelationList"},
      {"getCorrelationsByProcessModelId", "/correlations/process_model/:process_model_id", true, "CorrelationList"},
      {"getCorrelationById", "/correlations/:correlation_id", false, "Correlation"},
  };
  for (const auto& row : expected) {
    ASSERT_TRUE(by_operation.contains(row.operation)) << row.operation;
    const auto& route = *by_operation[row.operation];
    EXPECT_EQ(route.method, "GET");
    EXPECT_EQ(route.pattern, base + row.path);
    EXPECT_EQ(route.paged, row.paged) << row.operation;
    EXPECT_EQ(route.response_schema, row.schema);
    EXPECT_EQ(route.required_claim, claims::kReadProcessModel);
  }
  EXPECT_EQ(http_api::route_statuses(*by_operation["getCorrelationById"]),
            (std::vector<int>{200, 400, 401, 403, 404, 500, 503}));
}

TEST(ManagementNotificationNames, UseTheContractsSpellingOfTheCatchEventsArrival) {
  EXPECT_EQ(management_event_name("intermediate_catch_event_reached"), "intermediate_catch_event_reacbed");
  for (const char* same : {"intermediate_catch_event_finished", "user_task_waiting", "user_task_waiting/alice/user_id",
                           "process_ended", "/process_instance_started/m1", "boundary_event_triggered"}) {
    EXPECT_EQ(management_event_name(same), same);
  }
}

}  // namespace
}  // namespace processhost::plugins::management_api
