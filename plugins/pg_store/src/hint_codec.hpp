#pragma once
// The payloads of pg_store's hints (docs/cluster.md, "Hints"): what one commit (or one
// deployment or deletion) tells the other hosts on the database, as a small JSON object sent
// with NOTIFY on kHintChannel. Each names the host that sent it, so a host skips its own.
//
//   instance: {"h": host, "i": instance id, "v": version, "e": 1 when it ended or reached an
//              end event, "t": earliest timer armed, "x": [topics of tasks created], "xa": 1
//              when the topics did not fit}
//   model:    {"h": host, "m": model id, "d": 1 when deleted}
//   hello:    {"h": host, "l": 1}: a host started listening (the others start sending)
//
// A group commit's hints share one notification, one per line.
//
// Threading: pure functions. Errors: decode_hint returns nullopt for a payload it does not
// know (another version's, or garbage): a hint that is not understood is a hint lost.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

inline constexpr const char* kHintChannel = "processhost_hints";
// NOTIFY payloads must stay below 8000 bytes; topics beyond this budget become "xa".
inline constexpr std::size_t kMaxHintPayload = 4000;

// The hint of a change set committed by host.
std::string encode_instance_hint(std::string_view host, const ChangeSet& changes);
std::string encode_definition_hint(std::string_view host, std::string_view process_model_id, bool deleted);
std::string encode_listening_hint(std::string_view host);

struct DecodedHint {
  std::string host;
  std::optional<InstanceHint> instance;
  std::optional<DefinitionHint> definition;
  bool listening = false;  // a hello
};
std::optional<DecodedHint> decode_hint(std::string_view payload);
// Every hint of a notification (one per line); lines not understood are left out.
std::vector<DecodedHint> decode_hints(std::string_view payload);

}  // namespace processhost::plugins::pg_store
