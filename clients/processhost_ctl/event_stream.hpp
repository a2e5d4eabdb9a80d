#pragma once
// Follows a Server-Sent Events stream (GET /api/consumer/v1/notifications): one blocking HTTP
// connection whose body is read as it arrives and cut into events (RFC: the "event", "data"
// and "id" fields of each block; comments and retry are skipped).

#include <functional>
#include <string>

#include "processhost/client/http_transport.hpp"

namespace processhost::ctl {

struct StreamEvent {
  std::string id;
  std::string event = "message";
  std::string data;
};

// One SSE block's lines ("field: value", in order) into an event; false for a block that
// holds no data (a comment, a retry).
bool parse_event_block(const std::string& block, StreamEvent& event);

struct StreamOutcome {
  bool ended_by_handler = false;  // on_event returned false
  int status = 0;                 // the answer's status when it was not a stream (>= 400)
  std::string error;              // transport problem or refusal, for people
};

// Connects to base + target with the given Authorization (may be empty) and calls on_event for
// each event until it returns false, the host ends the stream, or the connection fails.
StreamOutcome follow_event_stream(const client::BaseUrl& base, const std::string& target,
                                  const std::string& authorization,
                                  const std::function<bool(const StreamEvent&)>& on_event);

}  // namespace processhost::ctl
