#pragma once
// What the memory store keeps of an instance after it ended, packed: strings are views into
// an append-only arena, and strings that repeat across instances (model id and hash, owner,
// end events, lanes) are stored once and referred to by index. 128 bytes per ended
// instance plus its ids (and 72 per result), instead of a full ProcessInstanceRecord with a
// heap block per field.
//
// Not thread-safe: the memory store calls these under its lock.

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "processhost/services/store.hpp"

namespace processhost::engine {

// Strings copied in stay at their address until the arena is destroyed; nothing is freed
// before that (ended instances are kept for the life of the store).
class StringArena {
 public:
  std::string_view copy(std::string_view text);
  // One copy per distinct text, for values many records share; 0 stands for "".
  std::uint32_t intern(std::string_view text);
  std::string_view interned(std::uint32_t index) const { return interned_list_[index]; }
  // As copy, but reuses the previous text of the same kind when it is equal (payloads of
  // one model often are).
  std::string_view copy_or_reuse(std::string_view text, std::string_view& previous);

 private:
  std::pmr::monotonic_buffer_resource memory_{64 * 1024};
  boost::unordered_flat_map<std::string_view, std::uint32_t> interned_;
  std::vector<std::string_view> interned_list_{std::string_view()};
  std::uint32_t recent_[16] = {};  // last interned text per small hash, to skip the map lookup
};

// Views into the arena, or indexes of interned texts (StringArena::interned).
struct PackedInstance {
  std::string_view id;
  std::string_view correlation_id;
  std::string_view parent_process_instance_id;
  std::string_view error;
  std::string_view runtime_state;
  std::uint32_t process_model_id = 0;
  std::uint32_t process_model_hash = 0;
  std::uint32_t owner_user_id = 0;
  std::uint32_t owner_identity = 0;
  ProcessInstanceState state = ProcessInstanceState::running;
  std::int64_t version = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t finished_at_ms = 0;
};

struct PackedResult {
  std::string_view correlation_id;
  std::string_view process_instance_id;
  std::string_view token_payload;
  std::uint32_t process_model_id = 0;
  std::uint32_t end_event_id = 0;
  std::uint32_t end_event_lane = 0;
  std::uint32_t previous = 0;  // 1 + index of the previous result of the same correlation; 0: none
  std::int64_t created_at_ms = 0;
};

class RecordPacker {
 public:
  // id, correlation_id: the instance's ids as the store already keeps them in arena();
  // reused instead of copied when the record's are equal.
  PackedInstance pack(const ProcessInstanceRecord& record, std::string_view id, std::string_view correlation_id);
  PackedResult pack(const CorrelationResultRecord& result, std::string_view instance_id,
                    std::string_view correlation_id);
  StringArena& arena() { return arena_; }
  const StringArena& arena() const { return arena_; }

 private:
  StringArena arena_;
  std::string_view last_payload_;
  std::string_view last_error_;
};

ProcessInstanceRecord unpack(const PackedInstance& packed, const StringArena& arena);
CorrelationResultRecord unpack(const PackedResult& packed, const StringArena& arena);

}  // namespace processhost::engine
