#include "client_network.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <arpa/inet.h>

namespace processhost::plugins::iam {

std::string client_network(std::string_view address) {
  // A zone (fe80::1%eth0) names the interface, not the peer; inet_pton refuses it.
  const std::string text(address.substr(0, address.find('%')));
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(AF_INET, text.c_str(), bytes.data()) == 1)
    return std::string("4") + std::string(bytes.begin(), bytes.begin() + 4);
  if (::inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(bytes.begin(), bytes.begin() + 12, kMappedPrefix)) {
      return std::string("4") + std::string(bytes.begin() + 12, bytes.end());
    }
    return std::string("6") + std::string(bytes.begin(), bytes.begin() + 8);
  }
  return "?" + std::string(address);
}

}  // namespace processhost::plugins::iam
