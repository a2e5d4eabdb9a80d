#include "token.hpp"

#include <array>
#include <cstring>
#include <random>

namespace processhost::engine {

void Token::record(const std::string& node_id, JsonText result) {
  for (auto& entry : history) {
    if (entry.first == node_id) {
      entry.second = std::move(result);
      return;
    }
  }
  if (history.empty()) history.reserve(4);  // one allocation for a short path, not 1, 2, 4
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
  // Two hex digits per byte from a table, then the 8-4-4-4-12 groups: this runs for every
  // flow node instance.
  static constexpr auto kPairs = [] {
    std::array<std::array<char, 2>, 256> pairs{};
    constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < 256; ++i) pairs[i] = {kHex[i >> 4], kHex[i & 0xf]};
    return pairs;
  }();
  char hex[32];
  for (int byte = 0; byte < 8; ++byte) {
    const int shift = 56 - 8 * byte;
    std::memcpy(hex + 2 * byte, kPairs[(high >> shift) & 0xff].data(), 2);
    std::memcpy(hex + 16 + 2 * byte, kPairs[(low >> shift) & 0xff].data(), 2);
  }
  std::string text(36, '-');
  std::memcpy(text.data(), hex, 8);
  std::memcpy(text.data() + 9, hex + 8, 4);
  std::memcpy(text.data() + 14, hex + 12, 4);
  std::memcpy(text.data() + 19, hex + 16, 4);
  std::memcpy(text.data() + 24, hex + 20, 12);
  return text;
}

}  // namespace processhost::engine
