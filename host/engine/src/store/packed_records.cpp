#include "store/packed_records.hpp"

#include <cstring>

namespace processhost::engine {
namespace {

constexpr std::string_view kNull = "null";

}  // namespace

std::string_view StringArena::copy(std::string_view text) {
  if (text.empty()) return {};
  auto* bytes = static_cast<char*>(memory_.allocate(text.size(), 1));
  std::memcpy(bytes, text.data(), text.size());
  return {bytes, text.size()};
}

std::uint32_t StringArena::intern(std::string_view text) {
  if (text.empty()) return 0;
  auto& recent = recent_[(text.size() * 31u + static_cast<unsigned char>(text.back())) & 15u];
  if (interned_list_[recent] == text) return recent;
  auto found = interned_.find(text);
  if (found == interned_.end()) {
    const auto index = static_cast<std::uint32_t>(interned_list_.size());
    interned_list_.push_back(copy(text));
    found = interned_.emplace(interned_list_.back(), index).first;
  }
  recent = found->second;
  return recent;
}

std::string_view StringArena::copy_or_reuse(std::string_view text, std::string_view& previous) {
  if (text != previous) previous = copy(text);
  return previous;
}

PackedInstance RecordPacker::pack(const ProcessInstanceRecord& record, std::string_view id,
                                  std::string_view correlation_id) {
  PackedInstance packed;
  packed.id = record.id == id ? id : arena_.copy(record.id);
  packed.process_model_id = arena_.intern(record.process_model_id);
  packed.process_model_hash = arena_.intern(record.process_model_hash);
  packed.correlation_id = record.correlation_id == correlation_id ? correlation_id : arena_.copy(record.correlation_id);
  packed.parent_process_instance_id = arena_.copy(record.parent_process_instance_id);
  packed.owner_user_id = arena_.intern(record.owner_user_id);
  packed.owner_identity = arena_.intern(record.owner_identity);
  packed.state = record.state;
  packed.error = record.error == "null" ? kNull : arena_.copy_or_reuse(record.error, last_error_);
  packed.runtime_state = record.runtime_state == "null" ? kNull : arena_.copy(record.runtime_state);
  packed.version = record.version;
  packed.created_at_ms = record.created_at_ms;
  packed.finished_at_ms = record.finished_at_ms;
  return packed;
}

PackedResult RecordPacker::pack(const CorrelationResultRecord& result, std::string_view instance_id,
                                std::string_view correlation_id) {
  PackedResult packed;
  packed.correlation_id = result.correlation_id == correlation_id ? correlation_id : arena_.copy(result.correlation_id);
  packed.process_model_id = arena_.intern(result.process_model_id);
  packed.process_instance_id =
      result.process_instance_id == instance_id ? instance_id : arena_.copy(result.process_instance_id);
  packed.end_event_id = arena_.intern(result.end_event_id);
  packed.end_event_lane = arena_.intern(result.end_event_lane);
  packed.token_payload = arena_.copy_or_reuse(result.token_payload, last_payload_);
  packed.created_at_ms = result.created_at_ms;
  return packed;
}

ProcessInstanceRecord unpack(const PackedInstance& packed, const StringArena& arena) {
  ProcessInstanceRecord record;
  record.id = packed.id;
  record.process_model_id = arena.interned(packed.process_model_id);
  record.process_model_hash = arena.interned(packed.process_model_hash);
  record.correlation_id = packed.correlation_id;
  record.parent_process_instance_id = packed.parent_process_instance_id;
  record.owner_user_id = arena.interned(packed.owner_user_id);
  record.owner_identity = arena.interned(packed.owner_identity);
  record.state = packed.state;
  record.error = packed.error;
  record.version = packed.version;
  record.created_at_ms = packed.created_at_ms;
  record.finished_at_ms = packed.finished_at_ms;
  record.runtime_state = packed.runtime_state;
  return record;
}

CorrelationResultRecord unpack(const PackedResult& packed, const StringArena& arena) {
  CorrelationResultRecord result;
  result.correlation_id = packed.correlation_id;
  result.process_model_id = arena.interned(packed.process_model_id);
  result.process_instance_id = packed.process_instance_id;
  result.end_event_id = arena.interned(packed.end_event_id);
  result.end_event_lane = arena.interned(packed.end_event_lane);
  result.token_payload = packed.token_payload;
  result.created_at_ms = packed.created_at_ms;
  return result;
}

}  // namespace processhost::engine
