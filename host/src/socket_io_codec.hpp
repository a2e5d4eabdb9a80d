#pragma once
// socket.io protocol 4 (socket.io 2.x) packets as text inside an Engine.IO message:
// "<type>[<namespace>,][<ack id>][<JSON data>]", the namespace left out when it is "/".
// A namespace in a CONNECT packet may carry a query ("/consumer_api?x=1"). Binary events
// (types 5 and 6, with attachments) are not supported.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace processhost::host::socket_io {

enum class PacketType : char {
  connect = '0',
  disconnect = '1',
  event = '2',
  ack = '3',
  error = '4',
  binary_event = '5',
  binary_ack = '6',
};

struct Packet {
  PacketType type = PacketType::event;
  std::string nsp = "/";
  std::string query;  // of a CONNECT packet's namespace, without '?'
  std::optional<long long> ack_id;
  std::string data;   // JSON text, or empty
};

std::string encode(PacketType type, std::string_view nsp, std::string_view data = {});
// An EVENT packet: ["name", json_argument].
std::string encode_event(std::string_view nsp, std::string_view name, std::string_view json_argument);
// nullopt for an unknown type, a binary packet or a malformed namespace or ack id.
std::optional<Packet> decode(std::string_view text);

// A query string ("a=1&b=x%20y") as decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace processhost::host::socket_io
