#pragma once
// Engine.IO protocol 3 framing, text only: one packet is its type digit followed by its
// data; a long-polling body carries several packets as "<length>:<packet>", where length
// counts UTF-16 code units (what JavaScript's String.length counts), not bytes. Binary
// packets are not supported: the host never sends any and refuses those it receives.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace processhost::host::engine_io {

enum class PacketType : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

struct Packet {
  PacketType type = PacketType::noop;
  std::string data;
};

std::string encode_packet(PacketType type, std::string_view data = {});
// nullopt when the text is empty or its type is unknown.
std::optional<Packet> decode_packet(std::string_view text);

// Encoded packets (encode_packet's results) framed as one polling body.
std::string encode_payload(const std::vector<std::string>& packets);
// The packets of one polling body; nullopt when its framing is broken (a length that is
// not a number, runs past the end, or splits a character).
std::optional<std::vector<std::string>> decode_payload(std::string_view body);

// The number of UTF-16 code units of UTF-8 text (a four-byte sequence counts two).
std::size_t utf16_length(std::string_view utf8);

// The handshake's open packet data.
std::string open_packet_json(std::string_view sid, bool offer_websocket, long ping_interval_ms,
                             long ping_timeout_ms);

}  // namespace processhost::host::engine_io
