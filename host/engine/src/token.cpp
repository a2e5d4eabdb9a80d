#include "token.hpp"

#include <random>

namespace processhost::engine {

void Token::record(const std::string& node_id, JsonText result) {
  for (auto& entry : history) {
    if (entry.first == node_id) {
      entry.second = std::move(result);
      return;
    }
  }
  history.emplace_back(node_id, std::move(result));
}

std::string history_json(const History& history) {
  std::string text = "{";
  for (const auto& [node_id, result] : history) {
    if (text.size() > 1) text += ',';
    text += json_quote(node_id);
    text += ':';
    text += result;
  }
  text += '}';
  return text;
}

std::string token_json(const Token& token) {
  std::string text;
  text.reserve(32 + token.payload.size());
  text += "{\"current\":";
  text += token.payload;
  text += ",\"history\":";
  text += history_json(token.history);
  text += '}';
  return text;
}

std::string make_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  const std::uint64_t high = (generator() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const std::uint64_t low = (generator() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  char* out = text;
  for (int byte = 0; byte < 16; ++byte) {
    if (byte == 4 || byte == 6 || byte == 8 || byte == 10) *out++ = '-';
    const std::uint64_t half = byte < 8 ? high : low;
    const auto value = static_cast<unsigned>(half >> (56 - 8 * (byte % 8))) & 0xffu;
    *out++ = kHex[value >> 4];
    *out++ = kHex[value & 0xfu];
  }
  return std::string(text, sizeof text);
}

}  // namespace processhost::engine
