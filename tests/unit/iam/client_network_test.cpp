#include "client_network.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::iam {
namespace {

TEST(ClientNetworkTest, IPv4AddressesStandForThemselves) {
  EXPECT_EQ(client_network("10.0.0.1"), client_network("10.0.0.1"));
  EXPECT_NE(client_network("10.0.0.1"), client_network("10.0.0.2"));
  EXPECT_EQ(client_network("::ffff:10.0.0.1"), client_network("10.0.0.1")) << "IPv4-mapped is the same client";
}

TEST(ClientNetworkTest, IPv6AddressesCountPerSlash64) {
  EXPECT_EQ(client_network("2001:db8:1:2::1"), client_network("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_NE(client_network("2001:db8:1:2::1"), client_network("2001:db8:1:3::1"));
  EXPECT_EQ(client_network("fe80::1%eth0"), client_network("fe80::2%eth1")) << "the zone is not part of the peer";
}

TEST(ClientNetworkTest, OtherTextIsKeptAndNeverMistakenForAnAddress) {
  EXPECT_EQ(client_network("unix:/run/x"), client_network("unix:/run/x"));
  EXPECT_NE(client_network("unix:/run/x"), client_network("unix:/run/y"));
  EXPECT_NE(client_network(""), client_network("0.0.0.0"));
  EXPECT_NE(client_network("10.0.0.1"), client_network("2001:db8::"));
}

}  // namespace
}  // namespace processhost::plugins::iam
