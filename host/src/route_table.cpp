#include "route_table.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>

namespace processhost::host {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A route's rank at a path: per segment, literal (0) before parameter (1); lower wins.
std::vector<int> rank_of(const std::vector<bool>& parameter_flags) {
  std::vector<int> rank;
  rank.reserve(parameter_flags.size());
  for (bool parameter : parameter_flags) rank.push_back(parameter ? 1 : 0);
  return rank;
}

}  // namespace

bool percent_decode(std::string_view text, std::string& decoded, bool plus_as_space) {
  decoded.clear();
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return false;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return true;
}

bool split_path(std::string_view raw_path, std::vector<std::string>& segments) {
  segments.clear();
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    std::size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    const std::string_view piece = raw_path.substr(start, end - start);
    if (!piece.empty()) {
      std::string decoded;
      if (!percent_decode(piece, decoded)) return false;
      segments.push_back(std::move(decoded));
    }
    start = end + 1;
  }
  return true;
}

void RouteTable::add(std::string owner, std::string method, std::string pattern, HttpHandler handler,
                     RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern '" + pattern + "' must start with '/'");
  }
  if (method.empty()) throw std::invalid_argument("route '" + pattern + "' has no method");
  if (!handler) throw std::invalid_argument("route '" + method + " " + pattern + "' has no handler");
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  Route route{std::move(owner), std::move(method), pattern, {}, std::move(handler), options};
  std::set<std::string> names;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string::npos) end = pattern.size();
    std::string piece = pattern.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    if (piece.front() == ':') {
      std::string name = piece.substr(1);
      if (name.empty()) throw std::invalid_argument("route pattern '" + pattern + "' has an empty parameter name");
      if (!names.insert(name).second) {
        throw std::invalid_argument("route pattern '" + pattern + "' repeats parameter ':" + name + "'");
      }
      route.segments.push_back({std::move(name), true});
    } else {
      route.segments.push_back({std::move(piece), false});
    }
  }
  std::unique_lock lock(mutex_);
  for (const auto& existing : routes_) {
    if (existing.method != route.method || existing.segments.size() != route.segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < route.segments.size() && same; ++i) {
      const auto& a = existing.segments[i];
      const auto& b = route.segments[i];
      same = a.parameter == b.parameter && (a.parameter || a.text == b.text);
    }
    if (same) {
      throw std::invalid_argument("route " + route.method + " " + route.pattern + " is already registered by '" +
                                  existing.owner + "' as " + existing.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

void RouteTable::remove_owner(std::string_view owner) {
  std::unique_lock lock(mutex_);
  std::erase_if(routes_, [&](const Route& route) { return route.owner == owner; });
}

std::size_t RouteTable::size() const {
  std::shared_lock lock(mutex_);
  return routes_.size();
}

RouteMatch RouteTable::match(std::string_view method, std::string_view raw_path) const {
  RouteMatch result;
  std::vector<std::string> segments;
  if (!split_path(raw_path, segments)) return result;

  std::shared_lock lock(mutex_);
  const Route* best = nullptr;
  std::vector<int> best_rank;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool fits = true;
    std::vector<bool> parameter_flags;
    for (std::size_t i = 0; i < segments.size() && fits; ++i) {
      fits = route.segments[i].parameter || route.segments[i].text == segments[i];
      parameter_flags.push_back(route.segments[i].parameter);
    }
    if (!fits) continue;
    allowed.insert(route.method);
    if (route.method != method) continue;
    auto rank = rank_of(parameter_flags);
    if (best == nullptr || rank < best_rank) {
      best = &route;
      best_rank = std::move(rank);
    }
  }
  if (best == nullptr) {
    if (!allowed.empty()) {
      result.kind = RouteMatch::Kind::method_not_allowed;
      result.allowed_methods.assign(allowed.begin(), allowed.end());
    }
    return result;
  }
  result.kind = RouteMatch::Kind::found;
  result.handler = best->handler;
  result.options = best->options;
  result.pattern = best->pattern;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->segments[i].parameter) result.params.emplace_back(best->segments[i].text, segments[i]);
  }
  return result;
}

}  // namespace processhost::host
