#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bpmn_processes.hpp"
#include "instance_json.hpp"
#include "management_api_routes.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/request_parsing.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/route_dispatch.hpp"
#include "processhost/json.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

using XmlByVersion = std::map<std::pair<std::string, std::string>, std::string>;  // (id, hash) -> xml

template <class T, class ToJson>
void respond_model_json(Responder& responder, const T& value, const ModelXmlLookup& lookup, const ToJson& to_json) {
  respond_guarded(responder, [&] { responder.respond(HttpResponse::json(200, to_json(value, lookup))); });
}

// 200 with to_json(models, xml lookup) once the store's definitions are read; the engine's
// or the store's error as it is. The XML of a model is the stored document of exactly the
// version (hash) the engine reports. Without a store the XML is empty.
template <class T, class ToJson>
Callback<T> respond_with_xml(ApiStatePtr state, std::shared_ptr<Responder> responder, ToJson to_json) {
  return [state = std::move(state), responder = std::move(responder), to_json](Result<T> models) {
    if (!models.ok()) return responder->respond(error_response(models.error()));
    auto value = std::make_shared<T>(std::move(models.value()));
    if (state->store == nullptr) {
      return respond_model_json(
          *responder, *value, [](const ProcessModelInfo&) { return std::string(); }, to_json);
    }
    state->store->load_definitions(
        [value, responder, to_json](Result<std::vector<ProcessDefinitionRecord>> definitions) {
          if (!definitions.ok()) return responder->respond(error_response(definitions.error()));
          auto xml = std::make_shared<XmlByVersion>();
          for (auto& record : definitions.value()) {
            (*xml)[{record.process_model_id, record.hash}] = std::move(record.xml);
          }
          const ModelXmlLookup lookup = [xml](const ProcessModelInfo& model) {
            auto found = xml->find({model.id, model.hash});
            return found == xml->end() ? std::string() : found->second;
          };
          respond_model_json(*responder, *value, lookup, to_json);
        });
  };
}

// The original refuses documents it could not serve under the URL's name: one process,
// whose id is that name. A document without a process goes on to the engine's validation.
std::optional<Error> check_process_ids(const std::vector<std::string>& ids, const std::string& name) {
  if (ids.size() > 1) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + json_quote(id);
    return make_error(ErrorStatus::unprocessable,
                      "The diagram contains more than one ProcessModel; deploy each in its own diagram.",
                      "{\"processModelIds\":[" + list + "]}");
  }
  if (ids.size() == 1 && ids.front() != name) {
    return make_error(ErrorStatus::unprocessable, "The ProcessModel contained within the diagram ('" + ids.front() +
                                                      "') must also use the name of the ProcessDefinition ('" + name +
                                                      "').");
  }
  return std::nullopt;
}

void deploy_checked(const ApiStatePtr& state, UpdateProcessDefinitionsBody payload, const std::string& name,
                    const std::shared_ptr<Responder>& responder, Result<ProcessModelInfo> existing) {
  // A model the deployer may see no part of (lanes) exists all the same: the original's
  // deploy checks the stored definitions, not the caller's view of them.
  const bool exists = existing.ok() || existing.error().kind == ErrorKind::process_model_not_accessible;
  if (exists && !payload.overwrite_existing) {
    return responder->respond(HttpResponse::error(
        ErrorStatus::conflict,
        "A ProcessModel named '" + name + "' already exists; send overwriteExisting: true to replace it."));
  }
  if (!exists && existing.error().kind != ErrorKind::process_model_not_found) {
    return responder->respond(error_response(existing.error()));
  }
  if (!answer_unless_serving(*state, *responder)) return;
  state->engine->deploy(
      std::move(payload.xml), "management_api:" + name, [responder](Result<ProcessModelInfo> deployed) {
        responder->respond(deployed.ok() ? HttpResponse::no_content() : error_response(deployed.error()));
      });
}

}  // namespace

RouteHandler list_process_models_with_xml_handler() {
  return [](RouteCall& call) {
    call.state->engine->list_process_models(
        call.identity, call.page,
        respond_with_xml<PagedList<ProcessModelInfo>>(
            call.state, call.responder, [](const PagedList<ProcessModelInfo>& list, const ModelXmlLookup& xml) {
              return process_model_list_json(list, xml);
            }));
  };
}

RouteHandler get_process_model_with_xml_handler() {
  return [](RouteCall& call) {
    call.state->engine->get_process_model(
        call.identity, std::string(call.request.param("process_model_id")),
        respond_with_xml<ProcessModelInfo>(
            call.state, call.responder,
            [](const ProcessModelInfo& model, const ModelXmlLookup& xml) { return process_model_json(model, xml); }));
  };
}

RouteHandler process_model_by_instance_with_xml_handler() {
  return [](RouteCall& call) {
    call.state->engine->get_process_model_by_instance(
        call.identity, std::string(call.request.param("process_instance_id")),
        respond_with_xml<ProcessModelInfo>(
            call.state, call.responder,
            [](const ProcessModelInfo& model, const ModelXmlLookup& xml) { return process_model_json(model, xml); }));
  };
}

RouteHandler start_events_handler() {
  return [](RouteCall& call) {
    call.state->engine->get_process_model(
        call.identity, std::string(call.request.param("process_model_id")),
        respond_json<ProcessModelInfo>(call.responder, [](const ProcessModelInfo& model) {
          return model_start_event_list_json(model);
        }));
  };
}

RouteHandler delete_process_model_handler() {
  return [](RouteCall& call) {
    call.state->engine->delete_process_model(call.identity, std::string(call.request.param("process_model_id")),
                                             respond_no_content(call.responder));
  };
}

RouteHandler update_process_definitions_handler() {
  return [](RouteCall& call) {
    auto payload = parse_update_process_definitions(call.request.body, call.request.json_limits);
    if (!payload.ok()) return call.responder->respond(HttpResponse::error(payload.error()));
    const std::string name(call.request.param("process_definitions_name"));
    auto ids = bpmn_process_ids(payload.value().xml);
    if (!ids.ok()) return call.responder->respond(HttpResponse::error(ids.error()));
    if (auto error = check_process_ids(ids.value(), name)) return call.responder->respond(HttpResponse::error(*error));
    // Existence is asked as the caller: a model the caller may not see still exists (the
    // engine lists it, only its events are filtered), so the 409 does not depend on lanes.
    call.state->engine->get_process_model(
        call.identity, name,
        [state = call.state, responder = call.responder, name,
         payload = std::move(payload.value())](Result<ProcessModelInfo> existing) mutable {
          respond_guarded(*responder,
                          [&] { deploy_checked(state, std::move(payload), name, responder, std::move(existing)); });
        });
  };
}

}  // namespace processhost::plugins::management_api
