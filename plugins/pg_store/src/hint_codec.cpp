#include "hint_codec.hpp"

#include <algorithm>
#include <set>

#include <rapidjson/document.h>

#include "processhost/json.hpp"

namespace processhost::plugins::pg_store {

std::string encode_instance_hint(const ChangeSet& changes) {
  const auto& instance = changes.instance;
  const bool ended = instance.state != ProcessInstanceState::running || !changes.correlation_results.empty();
  // Tasks a worker may lock now (created, or offered again), not those finished.
  std::set<std::string_view> topics;
  for (const auto& task : changes.external_tasks) {
    if (task.task.state == ExternalTaskState::pending) topics.insert(task.task.topic);
  }
  if (changes.expected_version == 0 && !ended && changes.timers_armed.empty() && topics.empty()) return {};
  std::string payload =
      "{\"i\":" + json_quote(instance.id) + ",\"v\":" + std::to_string(changes.expected_version + 1);
  if (ended) payload += ",\"e\":1";
  if (!changes.timers_armed.empty()) {
    auto earliest = std::min_element(changes.timers_armed.begin(), changes.timers_armed.end(),
                                     [](const auto& a, const auto& b) { return a.due_at_ms < b.due_at_ms; });
    payload += ",\"t\":" + std::to_string(earliest->due_at_ms);
  }
  if (!topics.empty()) {
    std::string list;
    for (const auto topic : topics) list += (list.empty() ? "" : ",") + json_quote(topic);
    // Room is left for the notification's header line (a host id is 16 characters).
    if (payload.size() + list.size() + 8 + 64 <= kMaxHintPayload) {
      payload += ",\"x\":[" + list + "]";
    } else {
      payload += ",\"xa\":1";
    }
  }
  return payload + "}";
}

std::string encode_definition_hint(std::string_view process_model_id, bool deleted) {
  std::string payload = "{\"m\":" + json_quote(process_model_id);
  if (deleted) payload += ",\"d\":1";
  return payload + "}";
}

std::string encode_listening_hint() { return "{\"l\":1}"; }

std::string notification_header(std::string_view host) { return "@" + std::string(host); }

std::string encode_notification(std::string_view host, std::string_view hint_line) {
  return notification_header(host) + "\n" + std::string(hint_line);
}

std::string_view notification_host(std::string_view payload) {
  if (payload.empty() || payload.front() != '@') return {};
  const auto end = payload.find('\n');
  return payload.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
}

namespace {

bool flag(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsInt() && found->value.GetInt() == 1;
}

}  // namespace

std::optional<DecodedNotification> decode_notification(std::string_view payload) {
  const auto host = notification_host(payload);
  if (host.empty()) return std::nullopt;
  DecodedNotification notification;
  notification.host = std::string(host);
  const auto first = payload.find('\n');
  if (first == std::string_view::npos) return notification;
  for (std::size_t begin = first + 1; begin <= payload.size();) {
    auto end = payload.find('\n', begin);
    if (end == std::string_view::npos) end = payload.size();
    if (auto hint = decode_hint(payload.substr(begin, end - begin))) notification.hints.push_back(std::move(*hint));
    begin = end + 1;
  }
  return notification;
}

std::optional<DecodedHint> decode_hint(std::string_view line) {
  rapidjson::Document document;
  if (json_parse(line, document) || !document.IsObject()) return std::nullopt;
  DecodedHint hint;
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
