#include "audit_log_plugin.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "event_json.hpp"

namespace processhost::plugins::audit_log {

void AuditLogPlugin::configure(HostContext& context) {
  const rapidjson::Value& config = context.config();
  path_ = context.resolve_path("audit_log.jsonl");
  if (auto path = config.FindMember("path"); path != config.MemberEnd()) {
    path_ = context.resolve_path(path->value.GetString());
  }
  if (auto payload = config.FindMember("includePayload"); payload != config.MemberEnd()) {
    include_payload_ = payload->value.GetBool();
  }
  if (auto kinds = config.FindMember("kinds"); kinds != config.MemberEnd()) {
    for (const auto& kind : kinds->value.GetArray()) kinds_.insert(kind.GetString());
  }
  engine_ = &context.services().require<EngineService>();
  // Answered at once from counters: the handler never blocks the I/O thread.
  context.http().add_route("GET", kCountsRoute, [this](HttpRequest, std::shared_ptr<Responder> responder) {
    responder->respond(HttpResponse::json(200, counts_json()));
  });
}

void AuditLogPlugin::start(HostContext& context) {
  writer_.open(path_);
  listener_id_ = engine_->add_listener([this](const EngineEvent& event) { on_event(event); });
  context.logger().info("writing engine events to " + path_.string());
}

void AuditLogPlugin::stop() noexcept {
  if (listener_id_) {
    engine_->remove_listener(*listener_id_);
    listener_id_.reset();
  }
  writer_.close();
}

void AuditLogPlugin::on_event(const EngineEvent& event) {
  const std::string kind(name_of(event.kind));
  if (!kinds_.empty() && kinds_.count(kind) == 0) return;
  {
    std::lock_guard lock(counts_mutex_);
    ++counts_[kind];
  }
  writer_.append(event_to_json_line(event, include_payload_));
}

std::string AuditLogPlugin::counts_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("path");
  writer.String(path_.string().c_str());
  writer.Key("linesWritten");
  writer.Uint64(writer_.lines_written());
  writer.Key("writeFailures");
  writer.Uint64(writer_.write_failures());
  writer.Key("events");
  writer.StartObject();
  {
    std::lock_guard lock(counts_mutex_);
    for (const auto& [kind, count] : counts_) {
      writer.Key(kind.c_str());
      writer.Uint64(count);
    }
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace processhost::plugins::audit_log
