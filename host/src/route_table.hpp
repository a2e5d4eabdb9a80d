#pragma once
// The host's route table. Patterns are "/"-separated literal segments and ":name"
// parameters. A literal segment wins over a parameter at the same place, so
// "/process_instances/own" is chosen before "/process_instances/:id".
//
// Thread-safe: routes are added and removed on the control plane while I/O threads match.

#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processhost/services/http.hpp"

namespace processhost::host {

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
  HttpHandler handler;  // a copy: safe to call after the lock is released
  RouteOptions options;
  std::string pattern;  // the matched route's pattern (for metrics labels)
  std::vector<std::pair<std::string, std::string>> params;  // percent-decoded
  std::vector<std::string> allowed_methods;                 // for 405: the "Allow" header
};

class RouteTable {
 public:
  // Throws std::invalid_argument on a malformed pattern (not starting with "/", an empty
  // ":" name, a repeated parameter name) or a duplicate (method, pattern).
  void add(std::string owner, std::string method, std::string pattern, HttpHandler handler,
           RouteOptions options = {});
  // Removes every route that owner added.
  void remove_owner(std::string_view owner);
  // raw_path: the request's path before percent-decoding, without the query.
  RouteMatch match(std::string_view method, std::string_view raw_path) const;
  std::size_t size() const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter's name
    bool parameter = false;
  };
  struct Route {
    std::string owner;
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    HttpHandler handler;
    RouteOptions options;
  };

  mutable std::shared_mutex mutex_;
  std::vector<Route> routes_;
};

// Splits a raw path on "/" (empty segments and a trailing slash dropped), decoding each.
// Returns false when a segment holds a malformed percent escape.
bool split_path(std::string_view raw_path, std::vector<std::string>& segments);
// Percent-decodes text; plus_as_space for query strings. False on a malformed escape.
bool percent_decode(std::string_view text, std::string& decoded, bool plus_as_space = false);

}  // namespace processhost::host
