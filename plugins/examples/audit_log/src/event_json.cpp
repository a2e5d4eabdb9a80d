#include "event_json.hpp"

#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/json.hpp"

namespace processhost::plugins::audit_log {

std::string event_to_json_line(const EngineEvent& event, bool include_payload) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto field = [&](const char* name, std::string_view value) {
    if (value.empty()) return;
    writer.Key(name);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  writer.Key("time");
  writer.Int64(event.timestamp_ms);
  field("kind", name_of(event.kind));
  field("processModelId", event.process_model_id);
  field("processInstanceId", event.process_instance_id);
  field("correlationId", event.correlation_id);
  field("flowNodeId", event.flow_node_id);
  field("flowNodeInstanceId", event.flow_node_instance_id);
  field("flowNodeType", event.flow_node_type);
  field("ownerUserId", event.owner_user_id);
  if (include_payload) {
    // The engine promises JsonText is valid JSON; a broken value is logged as null rather
    // than breaking the line format.
    rapidjson::Document payload;
    const bool broken = json_parse(event.payload, payload, JsonLimits::for_stored_data()).has_value();
    writer.Key("payload");
    if (broken) {
      writer.Null();
    } else {
      payload.Accept(writer);
    }
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace processhost::plugins::audit_log
