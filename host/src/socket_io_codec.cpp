#include "socket_io_codec.hpp"

#include <cctype>

#include "processhost/json.hpp"
#include "route_table.hpp"

namespace processhost::host::socket_io {
namespace {

// A form-encoded part of a packet, decoded as the router decodes query strings; a malformed
// escape keeps the text as it came (a client's mistake, not worth refusing the packet).
std::string form_decode(std::string_view text) {
  std::string decoded;
  return host::percent_decode(text, decoded, true) ? decoded : std::string(text);
}

}  // namespace

std::string encode(PacketType type, std::string_view nsp, std::string_view data) {
  std::string text(1, static_cast<char>(type));
  if (!nsp.empty() && nsp != "/") {
    text.append(nsp);
    text.push_back(',');
  }
  text.append(data);
  return text;
}

std::string encode_event(std::string_view nsp, std::string_view name, std::string_view json_argument) {
  std::string data = "[" + json_quote(name) + ",";
  data.append(json_argument);
  data.push_back(']');
  return encode(PacketType::event, nsp, data);
}

std::optional<Packet> decode(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return std::nullopt;
  Packet packet;
  packet.type = static_cast<PacketType>(text[0]);
  if (packet.type == PacketType::binary_event || packet.type == PacketType::binary_ack) return std::nullopt;
  text.remove_prefix(1);
  if (!text.empty() && text[0] == '/') {
    const auto comma = text.find(',');
    std::string_view nsp = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    const auto question = nsp.find('?');
    if (question != std::string_view::npos) {
      packet.query = std::string(nsp.substr(question + 1));
      nsp = nsp.substr(0, question);
    }
    if (nsp.size() < 2) return std::nullopt;
    packet.nsp = std::string(nsp);
  }
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits > 0) {
    if (digits > 15) return std::nullopt;
    packet.ack_id = std::stoll(std::string(text.substr(0, digits)));
    text.remove_prefix(digits);
  }
  packet.data = std::string(text);
  return packet;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    pairs.emplace_back(form_decode(item.substr(0, equals)),
                       equals == std::string_view::npos ? std::string() : form_decode(item.substr(equals + 1)));
  }
  return pairs;
}

}  // namespace processhost::host::socket_io
