// The Management API's cronjob routes (contracts 13, ICronjobManagementApi): the cron start
// events that fire (from the engine, with their next execution) and the execution history
// (from the store), by process model (optionally one start event) or by crontab.
#include <optional>
#include <string>
#include <utility>

#include "management_api_routes.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/json_writer.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

using namespace json_writer;  // NOLINT(google-build-using-namespace): the writer helpers

// CronjobList: {cronjobs: [CronjobConfiguration], totalCount}.
std::string cronjob_list_json(const PagedList<CronjobInfo>& list) {
  return render([&](Writer& writer) {
    json_writer::list(writer, "cronjobs", list.items, list.total_count, [](Writer& out, const CronjobInfo& job) {
      out.StartObject();
      field(out, "processModelId", job.process_model_id);
      field(out, "startEventId", job.start_event_id);
      field(out, "crontab", job.crontab);
      if (job.next_execution_ms) {
        field(out, "nextExecution", iso8601_utc(*job.next_execution_ms));
      } else {
        null_field(out, "nextExecution");
      }
      out.EndObject();
    });
  });
}

// CronjobHistoryList: {cronjobHistories: [CronjobHistoryEntry], totalCount}.
std::string cronjob_history_json(const PagedList<CronjobExecutionRecord>& list) {
  return render([&](Writer& writer) {
    json_writer::list(writer, "cronjobHistories", list.items, list.total_count,
                      [](Writer& out, const CronjobExecutionRecord& entry) {
                        out.StartObject();
                        field(out, "processModelId", entry.process_model_id);
                        field(out, "startEventId", entry.start_event_id);
                        field(out, "crontab", entry.crontab);
                        field(out, "executedAt", iso8601_utc(entry.executed_at_ms));
                        field(out, "processInstanceId", entry.process_instance_id);
                        out.EndObject();
                      });
  });
}

}  // namespace

RouteHandler active_cronjobs_handler() {
  return [](RouteCall& call) {
    call.state->engine->active_cronjobs(call.identity, call.page,
                                        respond_json<PagedList<CronjobInfo>>(call.responder, cronjob_list_json));
  };
}

RouteHandler cronjob_history_handler(CronjobHistoryScope scope) {
  return [scope](RouteCall& call) {
    CronjobHistoryQuery query;
    query.page = call.page;
    if (scope == CronjobHistoryScope::process_model) {
      query.process_model_id = std::string(call.request.param("process_model_id"));
      if (auto start_event = call.request.query_param("start_event_id"); start_event && !start_event->empty()) {
        query.start_event_id = std::string(*start_event);
      }
    } else {
      query.crontab = std::string(call.request.param("crontab"));
    }
    call.state->store->query_cronjob_history(
        std::move(query), respond_json<PagedList<CronjobExecutionRecord>>(call.responder, cronjob_history_json));
  };
}

}  // namespace processhost::plugins::management_api
