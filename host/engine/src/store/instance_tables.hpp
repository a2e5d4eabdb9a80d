#pragma once
// The memory store's instances, flow node instances and correlation results with the
// indexes its queries use. A running instance keeps its full record and its flow node
// records; an ended one is packed (packed_records.hpp) and its flow nodes are dropped.
//
// Not thread-safe: MemoryStore calls it under its lock. Slots are never freed (history
// retention only unlinks an ended instance's slot), so an instance keeps its slot for the life of the store and no per-instance string is copied
// twice (the id index and the creation order refer to the slot's arena copy).

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/container/deque.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "store/packed_records.hpp"
#include "processhost/services/store.hpp"

namespace processhost::engine {

class InstanceTables {
 public:
  // Applies the instance, flow node and result parts of changes when the instance is at
  // changes.expected_version; otherwise changes nothing and returns the current version.
  std::optional<std::int64_t> commit(ChangeSet& changes);
  std::optional<ProcessInstanceRecord> load(std::string_view id) const;
  // Matching instances ordered by created_at_ms, then id.
  std::vector<ProcessInstanceRecord> query(const InstanceQuery& query) const;
  // Matching flow node instances ordered by created_at_ms, then id.
  std::vector<FlowNodeInstanceRecord> query(const FlowNodeQuery& query) const;
  // Results of the correlation in the order they were committed; all models when model is empty.
  std::vector<CorrelationResultRecord> results(std::string_view correlation_id, std::string_view model) const;
  // History retention: forgets up to max ended instances that finished before
  // finished_before_ms, oldest first (they leave the id index and the order; their packed
  // strings stay in the arena). Returns their ids.
  std::vector<std::string> remove_ended(std::int64_t finished_before_ms, std::size_t max);

 private:
  struct LiveInstance {
    ProcessInstanceRecord record;
    std::vector<std::unique_ptr<FlowNodeInstanceRecord>> nodes;      // stable addresses for suspended_
    std::unordered_map<std::string, FlowNodeInstanceRecord*> by_id;  // built once nodes is long
    std::size_t live_position = 0;                                   // in live_
  };
  struct Slot {
    PackedInstance packed;  // id and correlation_id always; the rest once the instance ended
    std::int64_t order_created_at_ms = 0;
    std::unique_ptr<LiveInstance> live;  // set while the instance runs
    bool removed = false;                // by history retention
  };
  struct SuspendedKey {
    std::int64_t created_at_ms;
    std::string_view id;
    const FlowNodeInstanceRecord* record;
    bool operator<(const SuspendedKey& other) const;
  };
  template <class T>
  using Chunked =
      boost::container::deque<T, void, boost::container::deque_options_t<boost::container::block_size<256u>>>;

  const Slot* find(std::string_view id) const;
  std::uint32_t create(const ProcessInstanceRecord& record);
  void make_live(Slot& slot, std::uint32_t index);
  void drop_live(Slot& slot);
  void upsert(LiveInstance& live, FlowNodeInstanceRecord&& record);
  void add_result(const CorrelationResultRecord& result, const Slot& slot);
  bool order_before(std::uint32_t a, std::uint32_t b) const;

  // libstdc++'s murmur hash reads 8 bytes a step; boost::hash of a string_view was about
  // 4 % of the benchmark, mostly rehashing the 36-byte ids as the tables grow.
  using IdHash = std::hash<std::string_view>;

  RecordPacker packer_;
  Chunked<Slot> slots_;
  boost::unordered_flat_map<std::string_view, std::uint32_t, IdHash> by_id_;  // id -> slot
  std::vector<std::uint32_t> order_;                                  // slots by (created, id)
  std::vector<std::uint32_t> live_;                                   // slots of running instances
  std::set<SuspendedKey> suspended_;                                  // suspended nodes in query order
  Chunked<PackedResult> results_;
  boost::unordered_flat_map<std::string_view, std::uint32_t, IdHash> latest_result_;  // correlation -> result
};

}  // namespace processhost::engine
