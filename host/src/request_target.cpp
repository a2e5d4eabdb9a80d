#include "request_target.hpp"

#include "route_table.hpp"

namespace processhost::host {

bool parse_request_target(std::string_view target, RequestTarget& parsed) {
  if (target.empty() || target.front() != '/') return false;
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  parsed.raw_path = std::string(raw_path);
  if (!percent_decode(raw_path, parsed.path)) return false;
  while (parsed.path.size() > 1 && parsed.path.back() == '/') parsed.path.pop_back();
  parsed.query.clear();
  if (question == std::string_view::npos) return true;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(pair.substr(0, equals), key, true)) return false;
    if (equals != std::string_view::npos && !percent_decode(pair.substr(equals + 1), value, true)) return false;
    parsed.query.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace processhost::host
