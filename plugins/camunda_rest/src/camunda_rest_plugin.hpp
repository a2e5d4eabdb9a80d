#pragma once
// The camunda_rest plugin: /engine-rest, the subset of Camunda 7's REST API that lets
// Camunda Modeler deploy to ProcessHost and start what it deployed (docs/camunda-rest.md).

#include <string>

#include "plugin_common/http_api/api_plugin.hpp"

namespace processhost::plugins::camunda_rest {

class CamundaRestPlugin : public http_api::ApiPlugin {
 public:
  CamundaRestPlugin();
  explicit CamundaRestPlugin(std::string version);
};

}  // namespace processhost::plugins::camunda_rest
