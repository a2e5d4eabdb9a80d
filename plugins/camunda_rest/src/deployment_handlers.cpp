// /engine-rest/deployment: create (multipart, one BPMN document), list, count, by id.

#include <algorithm>
#include <string>
#include <utility>

#include "camunda_requests.hpp"
#include "camunda_respond.hpp"
#include "camunda_rest_routes.hpp"
#include "multipart_form.hpp"

namespace processhost::plugins::camunda_rest {
namespace {

const std::vector<std::string> kSortable = {"id", "name", "deploymentTime"};

// The deployments a list query selects: id, name and nameLike ('%' wildcards) filters,
// Camunda's sort keys, then the page.
std::vector<const DefinitionVersion*> select_deployments(const std::vector<DefinitionVersion>& versions,
                                                         const HttpRequest& request, const ListQuery& query) {
  const auto id = request.query_param("id");
  const auto name = request.query_param("name");
  const auto name_like = request.query_param("nameLike");
  std::vector<const DefinitionVersion*> selected;
  for (const auto& version : versions) {
    if (id && version.deployment_id() != *id) continue;
    if (name && version.key != *name) continue;
    if (name_like && !like(version.key, *name_like)) continue;
    selected.push_back(&version);
  }
  const auto less = [&](const DefinitionVersion* a, const DefinitionVersion* b) {
    if (query.sort_by == "id") return a->deployment_id() < b->deployment_id();
    if (query.sort_by == "name") return a->key < b->key;
    return a->deployed_at_ms < b->deployed_at_ms;
  };
  sort_as_asked(selected, query, less);
  return selected;
}


}  // namespace

RouteHandler create_deployment_handler() {
  return [](http_api::RouteCall& call) {
    auto boundary = multipart_boundary(call.request.header("content-type").value_or(""));
    if (!boundary.ok()) return respond_error(*call.responder, boundary.error());
    auto parts = parse_multipart_form(call.request.body, boundary.value());
    if (!parts.ok()) return respond_error(*call.responder, parts.error());
    auto form = read_deployment_form(std::move(parts.value()));
    if (!form.ok()) return respond_error(*call.responder, form.error());
    const std::string resource = form.value().resource_name;
    call.state->engine->deploy(
        std::move(form.value().xml), "engine-rest:" + resource,
        [state = call.state, responder = call.responder, resource](Result<ProcessModelInfo> deployed) {
          if (!deployed.ok()) {
            const auto& error = deployed.error();
            if (error.status == ErrorStatus::unprocessable) {
              return responder->respond(HttpResponse::json(400, parse_exception_json(error, resource)));
            }
            return respond_error(*responder, error);
          }
          with_versions(state, responder,
                        [model = std::move(deployed.value())](std::vector<DefinitionVersion> versions,
                                                               const std::shared_ptr<Responder>& responder) {
                          const auto* version = find_by_hash(versions, model.id, model.hash);
                          if (version == nullptr) {
                            return respond_error(*responder, make_error(ErrorStatus::internal,
                                                                       "The deployed definition '" + model.id +
                                                                           "' is missing from the store."));
                          }
                          respond_json(*responder, deployment_with_definitions_json(*version));
                        });
        });
  };
}

RouteHandler list_deployments_handler() {
  return [](http_api::RouteCall& call) {
    auto query = parse_list_query(call.request, kSortable);
    if (!query.ok()) return respond_error(*call.responder, query.error());
    with_versions(call.state, call.responder,
                  [request = call.request, query = query.value()](std::vector<DefinitionVersion> versions,
                                                                  const std::shared_ptr<Responder>& responder) {
                    respond_json(*responder,
                                 deployment_list_json(page_of(select_deployments(versions, request, query), query)));
                  });
  };
}

RouteHandler count_deployments_handler() {
  return [](http_api::RouteCall& call) {
    with_versions(call.state, call.responder,
                  [request = call.request](std::vector<DefinitionVersion> versions, const std::shared_ptr<Responder>& responder) {
                    respond_json(*responder, count_json(select_deployments(versions, request, {}).size()));
                  });
  };
}

RouteHandler get_deployment_handler() {
  return [](http_api::RouteCall& call) {
    with_versions(call.state, call.responder,
                  [id = std::string(call.request.param("id"))](std::vector<DefinitionVersion> versions,
                                                               const std::shared_ptr<Responder>& responder) {
                    const auto* version = find_by_deployment(versions, id);
                    if (version == nullptr) {
                      return respond_error(*responder, make_error(ErrorStatus::not_found,
                                                                 "Deployment with id '" + id + "' does not exist"));
                    }
                    respond_json(*responder, deployment_json(*version));
                  });
  };
}

}  // namespace processhost::plugins::camunda_rest
