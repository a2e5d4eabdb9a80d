// POST /process_instance/:process_instance_id/terminate: the engine ends the instance.
#include <string>

#include "management_api_routes.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/route_dispatch.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

RouteHandler terminate_process_instance_handler() {
  return [](RouteCall& call) {
    call.state->engine->terminate_process_instance(
        call.identity, std::string(call.request.param("process_instance_id")), respond_no_content(call.responder));
  };
}

}  // namespace processhost::plugins::management_api
