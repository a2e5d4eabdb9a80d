#pragma once
// Reading /engine-rest requests: the start body (variables in Camunda's typed form become the
// instance's input token), the paging and sorting query parameters of the lists, and the
// fields of a deployment's multipart form. Pure; bad input is a 400 Error naming the field.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "multipart_form.hpp"
#include "processhost/json.hpp"
#include "processhost/result.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::camunda_rest {

struct StartInstanceBody {
  JsonText input_values = "{}";         // {"name": value, ...} from variables
  std::optional<JsonText> variables;    // the variables as sent, echoed with withVariablesInReturn
  std::optional<std::string> business_key;
};
// StartProcessInstanceDto: {"variables": {"name": {"value", "type", "valueInfo"}}, "businessKey",
// "withVariablesInReturn"}. A variable of type Json (or Object with a JSON string) holding a
// string is parsed, so the token holds the object. Other fields (caseInstanceId,
// startInstructions, skip*) are refused when set, since they would be ignored silently.
Result<StartInstanceBody> parse_start_instance(std::string_view body, const JsonLimits& limits);

struct ListQuery {
  std::size_t first_result = 0;
  std::optional<std::size_t> max_results;
  std::string sort_by;  // empty: the list's natural order
  bool descending = false;
};
// firstResult, maxResults (non-negative integers), sortBy (one of sortable) and sortOrder
// (asc or desc; Camunda requires both or neither).
Result<ListQuery> parse_list_query(const HttpRequest& request, const std::vector<std::string>& sortable);
// The page of selected that query asks for (firstResult, maxResults).
template <class T>
std::vector<T> page_of(std::vector<T> selected, const ListQuery& query) {
  const auto first = std::min(query.first_result, selected.size());
  const auto count = std::min(query.max_results.value_or(selected.size()), selected.size() - first);
  return {selected.begin() + static_cast<std::ptrdiff_t>(first),
          selected.begin() + static_cast<std::ptrdiff_t>(first + count)};
}

// Orders items by less, reversed when the query asks for sortOrder=desc; ties keep their order.
template <class T, class Less>
void sort_as_asked(std::vector<T>& items, const ListQuery& query, Less less) {
  std::stable_sort(items.begin(), items.end(),
                   [&](const T& a, const T& b) { return query.descending ? less(b, a) : less(a, b); });
}

// SQL LIKE as Camunda's *Like filters use it: '%' matches any run of characters, '_' any one.
bool like(std::string_view text, std::string_view pattern);

// "true"/"false" of a query parameter; nullopt when absent.
Result<std::optional<bool>> parse_bool_param(const HttpRequest& request, std::string_view name);

struct DeploymentForm {
  std::string resource_name;  // the file name of the BPMN document (or its part's name)
  std::string xml;
};
// Camunda Modeler's fields (deployment-name, deployment-source, deploy-changed-only,
// enable-duplicate-filtering, tenant-id, deployment-activation-time) and exactly one BPMN
// resource. Tenants and delayed activation are refused: ProcessHost has neither.
Result<DeploymentForm> read_deployment_form(std::vector<FormPart> parts);

}  // namespace processhost::plugins::camunda_rest
