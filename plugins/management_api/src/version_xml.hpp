#pragma once
// The BPMN documents of every stored version, for the views that show an instance's "xml".

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "instance_json.hpp"
#include "plugin_common/http_api/api_state.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

// Runs then(xml lookup) once the stored definitions are read, or answers the store's error.
template <class Then>
void with_version_xml(const http_api::ApiStatePtr& state, std::shared_ptr<Responder> responder, Then then) {
  using XmlByVersion = std::map<std::pair<std::string, std::string>, std::string>;  // (id, hash) -> xml
  state->store->load_definitions(
      [responder = std::move(responder), then = std::move(then)](Result<std::vector<ProcessDefinitionRecord>> records) {
        if (!records.ok()) return responder->respond(http_api::error_response(records.error()));
        auto xml = std::make_shared<XmlByVersion>();
        for (auto& record : records.value()) (*xml)[{record.process_model_id, record.hash}] = std::move(record.xml);
        http_api::respond_guarded(*responder, [&] {
          then([xml](const std::string& model_id, const std::string& hash) {
            auto found = xml->find({model_id, hash});
            return found == xml->end() ? std::string() : found->second;
          });
        });
      });
}

}  // namespace processhost::plugins::management_api
