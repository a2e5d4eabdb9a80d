#include <charconv>

#include "processhost/client/http_transport.hpp"

namespace processhost::client {

ClientResult<BaseUrl> BaseUrl::parse(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  auto fail = [&](const std::string& why) {
    return make_client_error(ErrorKind::protocol, "bad URL '" + std::string(url) + "': " + why);
  };
  if (url.substr(0, kScheme.size()) != kScheme) return fail("it must start with http://");
  std::string_view rest = url.substr(kScheme.size());
  BaseUrl result;
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    result.path_prefix = std::string(prefix);
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return fail("bad port '" + std::string(port) + "'");
    }
    result.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return fail("no host");
  result.host = std::string(authority);
  return result;
}

std::string BaseUrl::to_string() const {
  return "http://" + host + ":" + std::to_string(port) + path_prefix;
}

std::string encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace processhost::client
