#include "store/instance_tables.hpp"

#include <algorithm>
#include <tuple>

namespace processhost::engine {
namespace {

// From this many records on, an instance finds its records by id through a map.
constexpr std::size_t kIndexedFrom = 32;

bool matches(const FlowNodeQuery& query, const FlowNodeInstanceRecord& record) {
  if (!query.flow_node_types.empty() && std::find(query.flow_node_types.begin(), query.flow_node_types.end(),
                                                  record.flow_node_type) == query.flow_node_types.end()) {
    return false;
  }
  if (query.state && record.state != *query.state) return false;
  if (query.process_model_id && record.process_model_id != *query.process_model_id) return false;
  if (query.process_instance_id && record.process_instance_id != *query.process_instance_id) return false;
  if (query.correlation_id && record.correlation_id != *query.correlation_id) return false;
  if (query.owner_user_id && record.owner_user_id != *query.owner_user_id) return false;
  if (query.event_type && record.event_type != *query.event_type) return false;
  if (query.event_name && record.event_name != *query.event_name) return false;
  if (query.events_only && record.event_type.empty()) return false;
  if (query.lanes && !record.flow_node_lane.empty() &&
      std::find(query.lanes->begin(), query.lanes->end(), record.flow_node_lane) == query.lanes->end()) {
    return false;
  }
  return true;
}

void sort_by_creation(std::vector<FlowNodeInstanceRecord>& records) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_at_ms, a.id) < std::tie(b.created_at_ms, b.id);
  });
}

bool same(const std::optional<std::string>& wanted, std::string_view value) { return !wanted || *wanted == value; }
bool same(const std::optional<ProcessInstanceState>& wanted, ProcessInstanceState value) { return !wanted || *wanted == value; }

}  // namespace

bool InstanceTables::SuspendedKey::operator<(const SuspendedKey& other) const {
  return std::tie(created_at_ms, id, record) < std::tie(other.created_at_ms, other.id, other.record);
}

const InstanceTables::Slot* InstanceTables::find(std::string_view id) const {
  auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : &slots_[found->second];
}

bool InstanceTables::order_before(std::uint32_t a, std::uint32_t b) const {
  const Slot& left = slots_[a];
  const Slot& right = slots_[b];
  return std::tie(left.order_created_at_ms, left.packed.id) < std::tie(right.order_created_at_ms, right.packed.id);
}

std::uint32_t InstanceTables::create(const ProcessInstanceRecord& record) {
  const auto index = static_cast<std::uint32_t>(slots_.size());
  Slot& slot = slots_.emplace_back();
  slot.packed.id = packer_.arena().copy(record.id);
  slot.packed.correlation_id = packer_.arena().copy(record.correlation_id);
  slot.order_created_at_ms = record.created_at_ms;
  by_id_.emplace(slot.packed.id, index);
  // Instances are created in (nearly) time order: the new one goes last or among the last
  // few created in the same millisecond, whose slots are still in cache; only a late one
  // needs the binary search over the whole order.
  auto position = order_.end();
  for (int step = 0; step < 64 && position != order_.begin() && order_before(index, *(position - 1)); ++step) {
    --position;
  }
  if (position != order_.begin() && order_before(index, *(position - 1))) {
    position = std::upper_bound(order_.begin(), position, index,
                                [this](std::uint32_t a, std::uint32_t b) { return order_before(a, b); });
  }
  order_.insert(position, index);
  return index;
}

void InstanceTables::make_live(Slot& slot, std::uint32_t index) {
  slot.live = std::make_unique<LiveInstance>();
  slot.live->nodes.reserve(4);
  slot.live->live_position = live_.size();
  live_.push_back(index);
}

void InstanceTables::drop_live(Slot& slot) {
  for (const auto& node : slot.live->nodes) {
    if (node->state == FlowNodeState::suspended) suspended_.erase({node->created_at_ms, node->id, node.get()});
  }
  const std::size_t position = slot.live->live_position;
  live_[position] = live_.back();
  slots_[live_[position]].live->live_position = position;
  live_.pop_back();
  slot.live.reset();
}

void InstanceTables::upsert(LiveInstance& live, FlowNodeInstanceRecord&& record) {
  FlowNodeInstanceRecord* existing = nullptr;
  if (!live.by_id.empty()) {
    auto found = live.by_id.find(record.id);
    if (found != live.by_id.end()) existing = found->second;
  } else {
    // Replacements are of recent records (a waiting node finishing): search from the end.
    for (auto node = live.nodes.rbegin(); node != live.nodes.rend(); ++node) {
      if ((*node)->id == record.id) {
        existing = node->get();
        break;
      }
    }
  }
  if (existing) {
    if (existing->state == FlowNodeState::suspended) suspended_.erase({existing->created_at_ms, existing->id, existing});
    *existing = std::move(record);
  } else {
    existing = live.nodes.emplace_back(std::make_unique<FlowNodeInstanceRecord>(std::move(record))).get();
    if (!live.by_id.empty()) {
      live.by_id.emplace(existing->id, existing);
    } else if (live.nodes.size() >= kIndexedFrom) {
      for (const auto& node : live.nodes) live.by_id.emplace(node->id, node.get());
    }
  }
  if (existing->state == FlowNodeState::suspended) suspended_.insert({existing->created_at_ms, existing->id, existing});
}

void InstanceTables::add_result(const CorrelationResultRecord& result, const Slot& slot) {
  PackedResult packed = packer_.pack(result, slot.packed.id, slot.packed.correlation_id);
  const auto index = static_cast<std::uint32_t>(results_.size());
  auto [latest, inserted] = latest_result_.try_emplace(packed.correlation_id, index);
  if (!inserted) {
    packed.previous = latest->second + 1;
    latest->second = index;
  }
  results_.push_back(packed);
}

std::optional<std::int64_t> InstanceTables::commit(ChangeSet& changes) {
  auto& incoming = changes.instance;
  auto found = by_id_.find(incoming.id);
  std::uint32_t index = found == by_id_.end() ? 0 : found->second;
  Slot* slot = found == by_id_.end() ? nullptr : &slots_[index];
  const std::int64_t current = !slot ? 0 : slot->live ? slot->live->record.version : slot->packed.version;
  if (current != changes.expected_version) return current;
  if (!slot) {
    index = create(incoming);
    slot = &slots_[index];
  }
  // The records of an instance that ends in this commit would be dropped at once: skipped.
  const bool ended = incoming.state != ProcessInstanceState::running;
  if (!ended) {
    if (!slot->live) make_live(*slot, index);
    for (auto& record : changes.flow_node_instances) upsert(*slot->live, std::move(record));
  }
  for (const auto& result : changes.correlation_results) add_result(result, *slot);
  if (ended) {
    if (slot->live) drop_live(*slot);
    slot->packed = packer_.pack(incoming, slot->packed.id, slot->packed.correlation_id);
  } else {
    slot->live->record = std::move(incoming);
  }
  return std::nullopt;
}

std::optional<ProcessInstanceRecord> InstanceTables::load(std::string_view id) const {
  const Slot* slot = find(id);
  if (!slot) return std::nullopt;
  return slot->live ? slot->live->record : unpack(slot->packed, packer_.arena());
}

std::vector<ProcessInstanceRecord> InstanceTables::query(const InstanceQuery& query) const {
  std::vector<ProcessInstanceRecord> found;
  for (const auto index : order_) {
    const Slot& slot = slots_[index];
    if (slot.live) {
      const auto& record = slot.live->record;
      if (same(query.correlation_id, record.correlation_id) && same(query.process_model_id, record.process_model_id) &&
          same(query.owner_user_id, record.owner_user_id) && same(query.state, record.state)) {
        found.push_back(record);
      }
      continue;
    }
    const auto& packed = slot.packed;
    const auto& arena = packer_.arena();
    if (same(query.correlation_id, packed.correlation_id) &&
        same(query.process_model_id, arena.interned(packed.process_model_id)) &&
        same(query.owner_user_id, arena.interned(packed.owner_user_id)) &&
        same(query.state, packed.state)) {
      found.push_back(unpack(packed, arena));
    }
  }
  return found;
}

std::vector<FlowNodeInstanceRecord> InstanceTables::query(const FlowNodeQuery& query) const {
  std::vector<FlowNodeInstanceRecord> found;
  if (query.process_instance_id) {
    // The instance's own list is the index a durable store would use for this filter.
    if (const Slot* slot = find(*query.process_instance_id); slot && slot->live) {
      for (const auto& node : slot->live->nodes) {
        if (matches(query, *node)) found.push_back(*node);
      }
    }
    sort_by_creation(found);
  } else if (query.state && *query.state == FlowNodeState::suspended) {
    for (const auto& key : suspended_) {
      if (matches(query, *key.record)) found.push_back(*key.record);
    }
  } else {
    for (const auto index : live_) {
      for (const auto& node : slots_[index].live->nodes) {
        if (matches(query, *node)) found.push_back(*node);
      }
    }
    sort_by_creation(found);
  }
  return found;
}

std::vector<std::string> InstanceTables::remove_ended(std::int64_t finished_before_ms, std::size_t max) {
  std::vector<std::string> removed;
  if (max == 0) return removed;
  // Oldest created first: an instance that ended long ago was, nearly always, created long ago.
  for (const auto index : order_) {
    Slot& slot = slots_[index];
    if (slot.live || slot.packed.finished_at_ms == 0 || slot.packed.finished_at_ms >= finished_before_ms) continue;
    removed.emplace_back(slot.packed.id);
    by_id_.erase(slot.packed.id);
    slot.removed = true;
    if (removed.size() >= max) break;
  }
  if (!removed.empty()) std::erase_if(order_, [this](std::uint32_t index) { return slots_[index].removed; });
  return removed;
}

std::vector<CorrelationResultRecord> InstanceTables::results(std::string_view correlation_id,
                                                             std::string_view model) const {
  std::vector<CorrelationResultRecord> found;
  auto latest = latest_result_.find(correlation_id);
  if (latest == latest_result_.end()) return found;
  for (std::uint32_t next = latest->second + 1; next != 0;) {
    const PackedResult& result = results_[next - 1];
    const bool kept = by_id_.contains(result.process_instance_id);  // not removed by retention
    if (kept && (model.empty() || packer_.arena().interned(result.process_model_id) == model)) {
      found.push_back(unpack(result, packer_.arena()));
    }
    next = result.previous;
  }
  std::reverse(found.begin(), found.end());
  return found;
}

}  // namespace processhost::engine
