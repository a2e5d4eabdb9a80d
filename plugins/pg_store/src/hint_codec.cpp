#include "hint_codec.hpp"

#include <algorithm>
#include <set>

#include <rapidjson/document.h>

#include "processhost/json.hpp"

namespace processhost::plugins::pg_store {

std::string encode_instance_hint(std::string_view host, const ChangeSet& changes) {
  const auto& instance = changes.instance;
  std::string payload = "{\"h\":" + json_quote(host) + ",\"i\":" + json_quote(instance.id) +
                        ",\"v\":" + std::to_string(changes.expected_version + 1);
  if (instance.state != ProcessInstanceState::running || !changes.correlation_results.empty()) payload += ",\"e\":1";
  if (!changes.timers_armed.empty()) {
    auto earliest = std::min_element(changes.timers_armed.begin(), changes.timers_armed.end(),
                                     [](const auto& a, const auto& b) { return a.due_at_ms < b.due_at_ms; });
    payload += ",\"t\":" + std::to_string(earliest->due_at_ms);
  }
  // Tasks a worker may lock now (created, or offered again), not those finished.
  std::set<std::string_view> topics;
  for (const auto& task : changes.external_tasks) {
    if (task.task.state == ExternalTaskState::pending) topics.insert(task.task.topic);
  }
  if (!topics.empty()) {
    std::string list;
    for (const auto topic : topics) list += (list.empty() ? "" : ",") + json_quote(topic);
    if (payload.size() + list.size() + 8 <= kMaxHintPayload) {
      payload += ",\"x\":[" + list + "]";
    } else {
      payload += ",\"xa\":1";
    }
  }
  return payload + "}";
}

std::string encode_definition_hint(std::string_view host, std::string_view process_model_id, bool deleted) {
  std::string payload = "{\"h\":" + json_quote(host) + ",\"m\":" + json_quote(process_model_id);
  if (deleted) payload += ",\"d\":1";
  return payload + "}";
}

std::string encode_listening_hint(std::string_view host) { return "{\"h\":" + json_quote(host) + ",\"l\":1}"; }

namespace {

bool flag(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsInt() && found->value.GetInt() == 1;
}

}  // namespace

std::vector<DecodedHint> decode_hints(std::string_view payload) {
  std::vector<DecodedHint> hints;
  for (std::size_t begin = 0; begin <= payload.size();) {
    auto end = payload.find('\n', begin);
    if (end == std::string_view::npos) end = payload.size();
    if (auto hint = decode_hint(payload.substr(begin, end - begin))) hints.push_back(std::move(*hint));
    begin = end + 1;
  }
  return hints;
}

std::optional<DecodedHint> decode_hint(std::string_view payload) {
  rapidjson::Document document;
  if (json_parse(payload, document) || !document.IsObject()) return std::nullopt;
  auto host = document.FindMember("h");
  if (host == document.MemberEnd() || !host->value.IsString()) return std::nullopt;
  DecodedHint hint;
  hint.host = host->value.GetString();
  if (auto id = document.FindMember("i"); id != document.MemberEnd() && id->value.IsString()) {
    InstanceHint instance;
    instance.process_instance_id = id->value.GetString();
    if (auto version = document.FindMember("v"); version != document.MemberEnd() && version->value.IsInt64()) {
      instance.version = version->value.GetInt64();
    }
    instance.ended = flag(document, "e");
    if (auto due = document.FindMember("t"); due != document.MemberEnd() && due->value.IsInt64()) {
      instance.earliest_timer_due_ms = due->value.GetInt64();
    }
    if (auto topics = document.FindMember("x"); topics != document.MemberEnd() && topics->value.IsArray()) {
      for (const auto& topic : topics->value.GetArray()) {
        if (topic.IsString()) instance.external_task_topics.emplace_back(topic.GetString());
      }
    }
    instance.all_topics = flag(document, "xa");
    hint.instance = std::move(instance);
    return hint;
  }
  if (auto model = document.FindMember("m"); model != document.MemberEnd() && model->value.IsString()) {
    hint.definition = DefinitionHint{model->value.GetString(), flag(document, "d")};
    return hint;
  }
  if (flag(document, "l")) {
    hint.listening = true;
    return hint;
  }
  return std::nullopt;
}

}  // namespace processhost::plugins::pg_store
