#include "instance/token.hpp"

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
  if (!token.loop_variables.empty()) {
    text += ",\"loop\":";
    text += token.loop_variables;
  }
  text += '}';
  return text;
}

}  // namespace processhost::engine
