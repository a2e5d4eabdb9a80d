#pragma once
// socket.io 2 clients for tests, speaking the wire protocol by hand so that the tests see
// exactly what the host sends: a long-polling session (GET and POST on /socket.io/) and a
// WebSocket (Boost.Beast, blocking, with a receive timeout).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "processhost/testing/http_client.hpp"

namespace processhost::notifications_integration {

using processhost::testing::Headers;

// The packets of a polling body (ASCII payloads: lengths are byte counts).
std::vector<std::string> split_payload(const std::string& body);
// "<length>:<packet>" for each packet.
std::string join_payload(const std::vector<std::string>& packets);

class PollingSession {
 public:
  // Does the handshake (GET without sid) with headers; its packets are in handshake_packets().
  PollingSession(std::uint16_t port, const Headers& headers = {});
  const std::string& sid() const { return sid_; }
  const std::vector<std::string>& handshake_packets() const { return handshake_packets_; }

  // One GET; the packets it returned. The status of a failed GET is in last_status().
  std::vector<std::string> poll();
  // One POST of packets; returns the status.
  int send(const std::vector<std::string>& packets);
  int last_status() const { return last_status_; }
  const std::string& last_body() const { return last_body_; }

  // Pings and polls until a received packet satisfies wanted; every packet received is
  // kept in received(). nullopt after timeout or when the session is gone.
  std::optional<std::string> wait_for(const std::function<bool(const std::string&)>& wanted,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  const std::vector<std::string>& received() const { return received_; }

 private:
  std::uint16_t port_;
  std::string sid_;
  std::vector<std::string> handshake_packets_;
  std::vector<std::string> received_;
  int last_status_ = 0;
  std::string last_body_;
};

class WebSocketClient {
 public:
  // Connects to /socket.io/?EIO=3&transport=websocket[&sid=...]. Throws on failure.
  WebSocketClient(std::uint16_t port, const std::string& sid = {});
  ~WebSocketClient();
  void send(const std::string& text);
  // The next message; nullopt on timeout or when the connection closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until a message satisfies wanted; every message read is kept in received().
  std::optional<std::string> wait_for(const std::function<bool(const std::string&)>& wanted,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  const std::vector<std::string>& received() const { return received_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> received_;
};

// A predicate: the packet is the socket.io event `name` on /consumer_api and contains text.
std::function<bool(const std::string&)> event_named(const std::string& name, const std::string& text = {});

}  // namespace processhost::notifications_integration
