// The Management API's instance queries, answered from the store (the record of every
// committed transition): process instances by id, correlation, model or state, a process
// instance's flow node instances, and token histories.

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "instance_json.hpp"
#include "instance_visibility.hpp"
#include "management_api_routes.hpp"
#include "version_xml.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

Error instance_not_found(const std::string& id) {
  return make_error(ErrorStatus::not_found, "ProcessInstance with id '" + id + "' not found.");
}

// Runs then() once the instance is known to exist and the caller may see it, or answers 404
// / the store's error.
template <class Then>
void with_existing_instance(const RouteCall& call, const std::string& id, Then then) {
  call.state->store->load_instance(id, [responder = call.responder, identity = call.identity, id, then = std::move(then)](
                                           Result<std::optional<ProcessInstanceRecord>> instance) mutable {
    if (!instance.ok()) return responder->respond(error_response(instance.error()));
    if (!instance.value() || !may_see(identity, instance.value()->owner_user_id)) {
      return responder->respond(HttpResponse::error(instance_not_found(id)));
    }
    then(std::move(*instance.value()));
  });
}

void respond_instances(const ApiStatePtr& state, const std::shared_ptr<Responder>& responder, InstanceQuery query) {
  state->store->query_instances(std::move(query), [state, responder](Result<PagedList<ProcessInstanceRecord>> list) {
    if (!list.ok()) return responder->respond(error_response(list.error()));
    auto instances = std::make_shared<PagedList<ProcessInstanceRecord>>(std::move(list.value()));
    with_version_xml(state, responder, [instances, responder](const VersionXmlLookup& xml) {
      responder->respond(HttpResponse::json(200, process_instance_list_json(*instances, xml)));
    });
  });
}

// Every flow node instance the query selects (no paging: a history is cut after ordering).
template <class Then>
void with_flow_nodes(const ApiStatePtr& state, const std::shared_ptr<Responder>& responder, FlowNodeQuery query,
                     Then then) {
  state->store->query_flow_nodes(std::move(query), [responder, then = std::move(then)](
                                                       Result<PagedList<FlowNodeInstanceRecord>> nodes) mutable {
    if (!nodes.ok()) return responder->respond(error_response(nodes.error()));
    respond_guarded(*responder, [&] { then(std::move(nodes.value().items)); });
  });
}

std::vector<FlowNodeInstanceRecord> of_flow_node(std::vector<FlowNodeInstanceRecord> nodes,
                                                 const std::string& flow_node_id) {
  std::erase_if(nodes, [&](const FlowNodeInstanceRecord& node) { return node.flow_node_id != flow_node_id; });
  return nodes;
}

}  // namespace

RouteHandler get_process_instance_handler() {
  return [](RouteCall& call) {
    const std::string id(call.request.param("process_instance_id"));
    with_existing_instance(call, id, [state = call.state, responder = call.responder](ProcessInstanceRecord instance) {
                             auto shared = std::make_shared<ProcessInstanceRecord>(std::move(instance));
                             with_version_xml(state, responder, [shared, responder](const VersionXmlLookup& xml) {
                               responder->respond(HttpResponse::json(200, process_instance_json(*shared, xml)));
                             });
                           });
  };
}

RouteHandler list_process_instances_handler(InstanceFilter filter) {
  return [filter](RouteCall& call) {
    InstanceQuery query;
    query.page = call.page;
    query.owner_user_id = visible_owner(call.identity);
    switch (filter) {
      case InstanceFilter::correlation:
        query.correlation_id = std::string(call.request.param("correlation_id"));
        break;
      case InstanceFilter::process_model:
        query.process_model_id = std::string(call.request.param("process_model_id"));
        break;
      case InstanceFilter::state: {
        const std::string state(call.request.param("process_instance_state"));
        query.state = parse_name<ProcessInstanceState>(state);
        if (!query.state) {
          return call.responder->respond(HttpResponse::error(
              ErrorStatus::bad_request, "'" + state + "' is not a ProcessInstance state: running, finished, error or "
                                                      "terminated."));
        }
        break;
      }
    }
    respond_instances(call.state, call.responder, std::move(query));
  };
}

RouteHandler list_flow_node_instances_handler() {
  return [](RouteCall& call) {
    const std::string id(call.request.param("process_instance_id"));
    with_existing_instance(call, id,
                           [state = call.state, responder = call.responder, id, page = call.page](
                               const ProcessInstanceRecord&) {
                             FlowNodeQuery query;
                             query.process_instance_id = id;
                             query.page = page;
                             state->store->query_flow_nodes(
                                 std::move(query), respond_json<PagedList<FlowNodeInstanceRecord>>(
                                                       responder, [](PagedList<FlowNodeInstanceRecord>& list) {
                                                         order_as_begun(list.items);
                                                         return flow_node_instance_list_json(list);
                                                       }));
                           });
  };
}

RouteHandler active_tokens_handler(ActiveTokenScope scope) {
  return [scope](RouteCall& call) {
    FlowNodeQuery query;
    // A token is active where a flow node instance waits; every other one has moved on.
    query.state = FlowNodeState::suspended;
    query.owner_user_id = visible_owner(call.identity);
    switch (scope) {
      case ActiveTokenScope::process_model:
        query.process_model_id = std::string(call.request.param("process_model_id"));
        break;
      case ActiveTokenScope::correlation:
        query.correlation_id = std::string(call.request.param("correlation_id"));
        query.process_model_id = std::string(call.request.param("process_model_id"));
        break;
      case ActiveTokenScope::process_instance:
        query.process_instance_id = std::string(call.request.param("process_instance_id"));
        break;
      case ActiveTokenScope::flow_node:
        break;  // filtered below: the store query has no flow node id
    }
    if (scope != ActiveTokenScope::flow_node) {
      query.page = call.page;
      return call.state->store->query_flow_nodes(
          std::move(query), respond_json<PagedList<FlowNodeInstanceRecord>>(
                                call.responder, [](const auto& list) { return active_token_list_json(list); }));
    }
    with_flow_nodes(call.state, call.responder, std::move(query),
                    [responder = call.responder, flow_node_id = std::string(call.request.param("flow_node_id")),
                     page = call.page](std::vector<FlowNodeInstanceRecord> nodes) {
                      PagedList<FlowNodeInstanceRecord> list;
                      nodes = of_flow_node(std::move(nodes), flow_node_id);
                      list.total_count = nodes.size();
                      const std::size_t first = std::min(page.offset, nodes.size());
                      const std::size_t count = page.limit == 0 ? nodes.size() - first
                                                                : std::min(page.limit, nodes.size() - first);
                      list.items.assign(std::make_move_iterator(nodes.begin() + static_cast<std::ptrdiff_t>(first)),
                                        std::make_move_iterator(nodes.begin() + static_cast<std::ptrdiff_t>(first + count)));
                      responder->respond(HttpResponse::json(200, active_token_list_json(list)));
                    });
  };
}

RouteHandler token_history_handler(TokenHistoryScope scope) {
  return [scope](RouteCall& call) {
    FlowNodeQuery query;
    const std::string flow_node_id(call.request.param("flow_node_id"));
    query.owner_user_id = visible_owner(call.identity);
    const bool by_instance = scope == TokenHistoryScope::instance || scope == TokenHistoryScope::instance_flow_node;
    if (by_instance) {
      query.process_instance_id = std::string(call.request.param("process_instance_id"));
    } else {
      query.correlation_id = std::string(call.request.param("correlation_id"));
      query.process_model_id = std::string(call.request.param("process_model_id"));
    }
    const bool one_flow_node = !flow_node_id.empty();
    with_flow_nodes(call.state, call.responder, std::move(query),
                    [responder = call.responder, scope, flow_node_id, one_flow_node,
                     page = call.page](std::vector<FlowNodeInstanceRecord> nodes) {
                      if (one_flow_node) nodes = of_flow_node(std::move(nodes), flow_node_id);
                      const auto entries = token_history(nodes);
                      responder->respond(HttpResponse::json(
                          200, scope == TokenHistoryScope::correlation_flow_node ? token_history_list_json(entries, page)
                                                                                : token_history_group_json(entries)));
                    });
  };
}

}  // namespace processhost::plugins::management_api
