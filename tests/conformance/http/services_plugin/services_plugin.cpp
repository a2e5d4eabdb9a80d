// conformance_services: a test fixture plugin for the conformance suite's HTTP mode. It
// gives the host what the corpus' diagrams expect of their environment, through the SDK
// only, as any user's plugin would:
// - the test services (ServiceTaskTestService, ParallelGatewayTestService) as service task
//   methods;
// - GET /conformance/sent_events: the messages and signals the instances sent, in order,
//   as [{"kind": "message_sent" | "signal_sent", "payload": {...}}], since the Consumer API
//   does not report what a process throws.
#include <memory>
#include <mutex>
#include <vector>

#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/service_tasks.hpp"
#include "test_services.hpp"

namespace processhost::conformance {
namespace {

class ServicesPlugin final : public Plugin {
 public:
  void configure(HostContext& context) override {
    engine_ = &context.services().require<EngineService>();
    methods_ = &context.services().require<ServiceTaskMethods>();
    context.http().add_route("GET", "/conformance/sent_events",
                             [this](HttpRequest, std::shared_ptr<Responder> responder) {
                               responder->respond(HttpResponse::json(200, sent_events_json()));
                             });
  }

  void start(HostContext&) override {
    services_ = std::make_unique<TestServices>();
    services_->add_to(*methods_);
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      if (event.kind != EngineEventKind::message_sent && event.kind != EngineEventKind::signal_sent) return;
      std::lock_guard lock(mutex_);
      sent_.push_back("{\"kind\":" + json_quote(name_of(event.kind)) + ",\"payload\":" + event.payload + "}");
    });
  }

  void stop() noexcept override {
    if (!services_) return;
    engine_->remove_listener(listener_);
    services_->remove_from(*methods_);
    services_.reset();  // joins its thread, drops the completions still pending
  }

 private:
  std::string sent_events_json() {
    std::lock_guard lock(mutex_);
    std::string json = "[";
    for (const auto& event : sent_) json += (json.size() > 1 ? "," : "") + event;
    return json + "]";
  }

  EngineService* engine_ = nullptr;
  ServiceTaskMethods* methods_ = nullptr;
  std::unique_ptr<TestServices> services_;
  std::uint64_t listener_ = 0;
  std::mutex mutex_;
  std::vector<std::string> sent_;  // JSON objects
};

}  // namespace

PROCESSHOST_PLUGIN(.name = "conformance_services",
                   .version = "1.0.0",
                   .requirements = service_ids<EngineService, ServiceTaskMethods>,
                   .create = &create_plugin<ServicesPlugin>)

}  // namespace processhost::conformance
