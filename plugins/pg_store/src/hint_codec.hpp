#pragma once
// The payloads of pg_store's hints (docs/cluster.md, "Hints"): what one commit (or one
// deployment or deletion) tells the other hosts on the database, sent with NOTIFY on
// kHintChannel.
//
// A notification is a header line naming the sending host, then one hint per line (the hints
// gathered in one interval share a notification):
//
//   @<host>
//   instance: {"i": instance id, "v": version, "e": 1 when it ended or reached an end event,
//              "t": earliest timer armed, "x": [topics of tasks created], "xa": 1 when the
//              topics did not fit}
//   model:    {"m": model id, "d": 1 when deleted}
//   hello:    {"l": 1}: the host started listening (the others start sending)
//
// The host comes first so that a host skips its own notifications (a listening connection
// hears its own NOTIFYs) without decoding them.
//
// Threading: pure functions. Errors: decoding leaves out what it does not know (another
// version's hints, garbage): a hint that is not understood is a hint lost.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

inline constexpr const char* kHintChannel = "processhost_hints";
// NOTIFY payloads must stay below 8000 bytes; topics beyond this budget become "xa".
inline constexpr std::size_t kMaxHintPayload = 4000;

// The hint line of a committed change set, or "" when the commit changes nothing another host
// holds or waits for: the first commit of a new instance that armed no timer, offered no
// external task and did not end (no other host can have cached an instance that did not
// exist, and start waiters wait for an end, which a later commit then tells).
std::string encode_instance_hint(const ChangeSet& changes);
std::string encode_definition_hint(std::string_view process_model_id, bool deleted);
std::string encode_listening_hint();

// "@<host>": the first line of every notification.
std::string notification_header(std::string_view host);
// A whole notification: header and hint lines (for one that is sent alone, a model's or a hello).
std::string encode_notification(std::string_view host, std::string_view hint_line);
// The host a notification names, or "" when it has no header (another version's, garbage).
std::string_view notification_host(std::string_view payload);

struct DecodedHint {
  std::optional<InstanceHint> instance;
  std::optional<DefinitionHint> definition;
  bool listening = false;  // a hello
};
// One hint line; nullopt for a line not understood.
std::optional<DecodedHint> decode_hint(std::string_view line);

struct DecodedNotification {
  std::string host;
  std::vector<DecodedHint> hints;  // lines not understood are left out
};
// nullopt for a payload without a header.
std::optional<DecodedNotification> decode_notification(std::string_view payload);

}  // namespace processhost::plugins::pg_store
