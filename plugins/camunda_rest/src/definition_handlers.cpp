// /engine-rest/process-definition: list, count, one by id or by key (its latest version),
// the BPMN document of one, and starting an instance of one.

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "camunda_requests.hpp"
#include "camunda_respond.hpp"
#include "camunda_rest_routes.hpp"

namespace processhost::plugins::camunda_rest {
namespace {

const std::vector<std::string> kSortable = {"id", "key", "version", "deploymentId", "name"};

// The definitions a list query selects (processDefinitionId, key, keyLike, deploymentId,
// version, latestVersion), ordered as Camunda orders them: by the sort key, else by key and
// version.
Result<std::vector<const DefinitionVersion*>> select_definitions(const std::vector<DefinitionVersion>& versions,
                                                                 const HttpRequest& request, const ListQuery& query) {
  auto latest_only = parse_bool_param(request, "latestVersion");
  if (!latest_only.ok()) return latest_only.error();
  const auto id = request.query_param("processDefinitionId");
  const auto key = request.query_param("key");
  const auto key_like = request.query_param("keyLike");
  const auto deployment_id = request.query_param("deploymentId");
  const auto version_number = request.query_param("version");
  std::vector<const DefinitionVersion*> selected;
  for (const auto& version : versions) {
    if (id && version.id() != *id) continue;
    if (key && version.key != *key) continue;
    if (key_like && !like(version.key, *key_like)) continue;
    if (deployment_id && version.deployment_id() != *deployment_id) continue;
    if (version_number && std::to_string(version.version) != *version_number) continue;
    if (latest_only.value().value_or(false) && !version.latest) continue;
    selected.push_back(&version);
  }
  const auto less = [&](const DefinitionVersion* a, const DefinitionVersion* b) {
    if (query.sort_by == "id") return a->id() < b->id();
    if (query.sort_by == "deploymentId") return a->deployment_id() < b->deployment_id();
    if (query.sort_by == "version") return a->version < b->version;
    return std::tie(a->key, a->version) < std::tie(b->key, b->version);  // key, name: names are keys
  };
  sort_as_asked(selected, query, less);
  return selected;
}

// The version a route names: ":id" a definition id, or ":key" its latest version.
const DefinitionVersion* named_version(const std::vector<DefinitionVersion>& versions, const std::string& name,
                                       bool by_key) {
  return by_key ? find_latest(versions, name) : find_by_id(versions, name);
}

Error unknown_definition(const std::string& name, bool by_key) {
  return make_error(ErrorStatus::not_found, by_key ? "No matching process definition with key: " + name
                                                   : "No matching definition with id " + name);
}

// The key of a definition id "key:version:hash16" (a BPMN id cannot hold a colon).
std::string key_of(const std::string& name, bool by_key) {
  return by_key ? name : name.substr(0, name.find(':'));
}

// Starts the version the engine starts for the key, once the route's name is known to be
// that version: the engine runs the latest version of a model, so a request for an older
// one is refused rather than served by another version.
void start_version(const http_api::ApiStatePtr& state, const Identity& identity, const std::string& name, bool by_key,
                   StartInstanceBody body, const std::string& engine_hash, const std::vector<DefinitionVersion>& versions,
                   const std::shared_ptr<Responder>& responder) {
  const std::string key = key_of(name, by_key);
  const auto* version = by_key ? find_by_hash(versions, key, engine_hash) : find_by_id(versions, name);
  if (version == nullptr) return respond_error(*responder, unknown_definition(name, by_key));
  if (version->hash != engine_hash) {
    const auto* running = find_by_hash(versions, key, engine_hash);
    return respond_error(*responder,
                         make_error(ErrorStatus::bad_request,
                                    "ProcessHost starts the latest version of a process definition only: '" + name +
                                        "' is version " + std::to_string(version->version) + ", the latest is '" +
                                        (running != nullptr ? running->id() : key) + "'."));
  }
  StartRequest request;
  request.process_model_id = key;
  request.correlation_id = body.business_key;
  request.input_values = std::move(body.input_values);
  StartedInstance started{{}, version->id(), std::move(body.business_key), std::move(body.variables)};
  state->engine->start(identity, std::move(request),
                       [responder, started = std::move(started)](Result<StartResult> result) mutable {
                         if (!result.ok()) return respond_error(*responder, result.error());
                         started.id = result.value().process_instance_id;
                         respond_json(*responder, process_instance_json(started));
                       });
}

}  // namespace

RouteHandler list_definitions_handler() {
  return [](http_api::RouteCall& call) {
    auto query = parse_list_query(call.request, kSortable);
    if (!query.ok()) return respond_error(*call.responder, query.error());
    with_versions(call.state, call.responder,
                  [request = call.request, query = query.value()](std::vector<DefinitionVersion> versions,
                                                                  const std::shared_ptr<Responder>& responder) {
                    auto selected = select_definitions(versions, request, query);
                    if (!selected.ok()) return respond_error(*responder, selected.error());
                    respond_json(*responder, definition_list_json(page_of(std::move(selected.value()), query)));
                  });
  };
}

RouteHandler count_definitions_handler() {
  return [](http_api::RouteCall& call) {
    with_versions(call.state, call.responder,
                  [request = call.request](std::vector<DefinitionVersion> versions, const std::shared_ptr<Responder>& responder) {
                    auto selected = select_definitions(versions, request, {});
                    if (!selected.ok()) return respond_error(*responder, selected.error());
                    respond_json(*responder, count_json(selected.value().size()));
                  });
  };
}

RouteHandler get_definition_handler(bool by_key, DefinitionView view) {
  return [by_key, view](http_api::RouteCall& call) {
    const std::string name(call.request.param(by_key ? "key" : "id"));
    with_versions(call.state, call.responder,
                  [name, by_key, view](std::vector<DefinitionVersion> versions,
                                       const std::shared_ptr<Responder>& responder) {
                    const auto* version = named_version(versions, name, by_key);
                    if (version == nullptr) return respond_error(*responder, unknown_definition(name, by_key));
                    respond_json(*responder, view == DefinitionView::bpmn_xml ? definition_xml_json(*version)
                                                                             : definition_json(*version));
                  });
  };
}

RouteHandler start_instance_handler(bool by_key) {
  return [by_key](http_api::RouteCall& call) {
    auto body = parse_start_instance(call.request.body, call.request.json_limits);
    if (!body.ok()) return respond_error(*call.responder, body.error());
    const std::string name(call.request.param(by_key ? "key" : "id"));
    // The engine names the version it starts (its latest); the store numbers it.
    call.state->engine->get_process_model(
        call.identity, key_of(name, by_key),
        [state = call.state, identity = call.identity, responder = call.responder, name, by_key,
         body = std::move(body.value())](Result<ProcessModelInfo> model) mutable {
          if (!model.ok()) {
            if (model.error().status == ErrorStatus::not_found) {
              return respond_error(*responder, unknown_definition(name, by_key));
            }
            return respond_error(*responder, model.error());
          }
          with_versions(state, responder,
                        [state, identity = std::move(identity), name, by_key, body = std::move(body),
                         hash = std::move(model.value().hash)](std::vector<DefinitionVersion> versions,
                                                                const std::shared_ptr<Responder>& waiting) mutable {
                          start_version(state, identity, name, by_key, std::move(body), hash, versions, waiting);
                        });
        });
  };
}

}  // namespace processhost::plugins::camunda_rest
