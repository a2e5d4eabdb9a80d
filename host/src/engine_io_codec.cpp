#include "engine_io_codec.hpp"

#include <charconv>

#include "processhost/json.hpp"

namespace processhost::host::engine_io {
namespace {

// Byte length of the UTF-8 sequence that starts with lead; 0 for a continuation byte.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC0) return 0;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// The byte count of the first `units` UTF-16 code units of text; nullopt when text is
// shorter or the count ends inside a character.
std::optional<std::size_t> bytes_of_units(std::string_view text, std::size_t units) {
  std::size_t bytes = 0;
  while (units > 0) {
    if (bytes >= text.size()) return std::nullopt;
    const std::size_t length = sequence_length(static_cast<unsigned char>(text[bytes]));
    const std::size_t width = length == 4 ? 2 : 1;
    if (length == 0 || width > units || bytes + length > text.size()) return std::nullopt;
    bytes += length;
    units -= width;
  }
  return bytes;
}

}  // namespace

std::string encode_packet(PacketType type, std::string_view data) {
  std::string text;
  text.reserve(1 + data.size());
  text.push_back(static_cast<char>(type));
  text.append(data);
  return text;
}

std::optional<Packet> decode_packet(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return std::nullopt;
  return Packet{static_cast<PacketType>(text[0]), std::string(text.substr(1))};
}

std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char byte : utf8) {
    if ((byte & 0xC0) != 0x80) units += 1;  // a lead byte starts a character
    if (byte >= 0xF0) units += 1;           // outside the BMP: a surrogate pair
  }
  return units;
}

std::string encode_payload(const std::vector<std::string>& packets) {
  std::string body;
  for (const auto& packet : packets) {
    body += std::to_string(utf16_length(packet));
    body += ':';
    body += packet;
  }
  return body;
}

std::optional<std::vector<std::string>> decode_payload(std::string_view body) {
  std::vector<std::string> packets;
  while (!body.empty()) {
    const auto colon = body.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::size_t units = 0;
    const auto [end, error] = std::from_chars(body.data(), body.data() + colon, units);
    if (error != std::errc() || end != body.data() + colon) return std::nullopt;
    body.remove_prefix(colon + 1);
    const auto bytes = bytes_of_units(body, units);
    if (!bytes) return std::nullopt;
    packets.emplace_back(body.substr(0, *bytes));
    body.remove_prefix(*bytes);
  }
  return packets;
}

std::string open_packet_json(std::string_view sid, bool offer_websocket, long ping_interval_ms,
                             long ping_timeout_ms) {
  return "{\"sid\":" + json_quote(sid) + ",\"upgrades\":" + (offer_websocket ? "[\"websocket\"]" : "[]") +
         ",\"pingInterval\":" + std::to_string(ping_interval_ms) +
         ",\"pingTimeout\":" + std::to_string(ping_timeout_ms) + "}";
}

}  // namespace processhost::host::engine_io
