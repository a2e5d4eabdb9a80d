#pragma once
// Splits a request target ("/a/b%20c/?x=1&y") into what HttpRequest carries.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace processhost::host {

struct RequestTarget {
  std::string raw_path;  // as received, before decoding; used for route matching
  std::string path;      // percent-decoded, no trailing slash except for "/"
  std::vector<std::pair<std::string, std::string>> query;
};

// False when the target is not origin-form ("/...") or holds a malformed percent escape.
bool parse_request_target(std::string_view target, RequestTarget& parsed);

}  // namespace processhost::host
