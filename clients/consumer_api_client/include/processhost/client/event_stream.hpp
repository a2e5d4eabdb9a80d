#pragma once
// Reads a Server-Sent Events stream (GET /api/consumer/v1/notifications): one HTTP connection
// whose body is read as it arrives and cut into events (the "event", "data" and "id" fields
// of each block; comments and retry are skipped). The one SSE reader of the project: the
// notification subscriptions of this library and `processhost-ctl watch` both use it.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "processhost/client/http_transport.hpp"

namespace processhost::client {

struct StreamEvent {
  std::string id;
  std::string event = "message";
  std::string data;
};

// One SSE block's lines ("field: value", in order) into an event; false for a block that
// holds no data (a comment, a retry). Pure; thread-safe.
bool parse_event_block(const std::string& block, StreamEvent& event);

struct EventStreamRequest {
  std::string target;                               // path and query below the base URL, already encoded
  std::string authorization;                        // the Authorization header's value; none when empty
  std::string last_event_id;                        // sent as Last-Event-ID when not empty (resume after it)
  std::chrono::milliseconds connect_timeout{5000};  // connect, send, read the header
  // No byte for this long counts as a dead connection. The host writes a comment every 15 s.
  std::chrono::milliseconds idle_timeout{45000};
  std::string user_agent = "processhost-consumer-api-client";
};

struct StreamOutcome {
  bool opened = false;            // the host answered 200 and the stream was read
  bool ended_by_handler = false;  // on_event returned false
  bool stopped = false;           // EventStream::stop() ended it
  int status = 0;                 // the answer's status when it was not a stream (!= 200)
  std::string error;              // transport problem, timeout or refusal, for people
};

// One stream connection. follow() blocks the calling thread; stop() may be called from any
// other thread, before, during or after follow(), and makes follow() return soon with
// `stopped` set. One follow() per object.
class EventStream {
 public:
  EventStream(BaseUrl base, EventStreamRequest request);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Connects and sends the request; once the host answered 200 calls on_open (the host has
  // registered the stream: whatever it publishes from then on arrives), then on_event for
  // each event until it returns false, the host ends the stream, the connection fails or
  // idles past idle_timeout, or stop(). Handlers run on the calling thread.
  StreamOutcome follow(const std::function<void()>& on_open, const std::function<bool(const StreamEvent&)>& on_event);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: one EventStream followed to its end on the calling thread.
StreamOutcome follow_event_stream(const BaseUrl& base, const EventStreamRequest& request,
                                  const std::function<bool(const StreamEvent&)>& on_event);

}  // namespace processhost::client
