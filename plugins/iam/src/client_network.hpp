#pragma once
// Which network a client address stands for when logins are counted per address.

#include <string>
#include <string_view>

namespace processhost::plugins::iam {

// The bytes that identify the client's network: an IPv4 address as is (also when written
// as an IPv4-mapped IPv6 address), an IPv6 address by its /64 prefix (one host commonly
// holds a whole /64, so counting single IPv6 addresses would let it try 2^64 times), and
// any other text unchanged. Never fails.
std::string client_network(std::string_view address);

}  // namespace processhost::plugins::iam
