#pragma once
// What the memory store keeps of an instance after it ended, packed: every string is a view
// into an append-only arena, and strings that repeat across instances (model id and hash,
// owner, states, end events, lanes) are stored once. About 200 bytes per ended instance plus
// its own ids, instead of a full ProcessInstanceRecord with a heap block per field.
//
// Not thread-safe: the memory store calls these under its lock.

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_set.hpp>

#include "processhost/services/store.hpp"

namespace processhost::engine {

// Strings copied in stay at their address until the arena is destroyed; nothing is freed
// before that (ended instances are kept for the life of the store).
class StringArena {
 public:
  std::string_view copy(std::string_view text);
  // One copy per distinct text: for values many records share.
  std::string_view intern(std::string_view text);
  // As copy, but reuses the previous text of the same kind when it is equal (payloads of
  // one model often are).
  std::string_view copy_or_reuse(std::string_view text, std::string_view& previous);

 private:
  std::pmr::monotonic_buffer_resource memory_{64 * 1024};
  boost::unordered_flat_set<std::string_view> interned_;
  std::string_view recent_[16];  // last interned text per small hash, to skip the set lookup
};

struct PackedInstance {
  std::string_view id;
  std::string_view process_model_id;
  std::string_view process_model_hash;
  std::string_view correlation_id;
  std::string_view parent_process_instance_id;
  std::string_view owner_user_id;
  std::string_view owner_identity;
  std::string_view state;
  std::string_view error;
  std::string_view runtime_state;
  std::int64_t version = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t finished_at_ms = 0;
};

struct PackedResult {
  std::string_view correlation_id;
  std::string_view process_model_id;
  std::string_view process_instance_id;
  std::string_view end_event_id;
  std::string_view end_event_lane;
  std::string_view token_payload;
  std::int64_t created_at_ms = 0;
  std::uint32_t previous = 0;  // 1 + index of the previous result of the same correlation; 0: none
};

class RecordPacker {
 public:
  // id, correlation_id: the instance's ids as the store already keeps them in arena();
  // reused instead of copied when the record's are equal.
  PackedInstance pack(const ProcessInstanceRecord& record, std::string_view id, std::string_view correlation_id);
  PackedResult pack(const CorrelationResultRecord& result, std::string_view instance_id,
                    std::string_view correlation_id);
  StringArena& arena() { return arena_; }

 private:
  StringArena arena_;
  std::string_view last_payload_;
  std::string_view last_error_;
};

ProcessInstanceRecord unpack(const PackedInstance& packed);
CorrelationResultRecord unpack(const PackedResult& packed);

}  // namespace processhost::engine
