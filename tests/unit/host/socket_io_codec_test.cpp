// socket.io 2 packets inside Engine.IO messages: namespaces, queries, ack ids, events.

#include <gtest/gtest.h>

#include "socket_io_codec.hpp"

namespace processhost::host::socket_io {
namespace {

TEST(SocketIoCodec, DefaultNamespaceIsLeftOut) {
  EXPECT_EQ(encode(PacketType::connect, "/"), "0");
  EXPECT_EQ(encode(PacketType::connect, "/consumer_api"), "0/consumer_api,");
  EXPECT_EQ(encode(PacketType::error, "/consumer_api", R"("Unauthorized")"), R"(4/consumer_api,"Unauthorized")");
  EXPECT_EQ(encode(PacketType::disconnect, "/consumer_api"), "1/consumer_api,");
}

TEST(SocketIoCodec, EventIsNameAndOneArgument) {
  EXPECT_EQ(encode_event("/consumer_api", "user_task_waiting", R"({"a":1})"),
            R"(2/consumer_api,["user_task_waiting",{"a":1}])");
  EXPECT_EQ(encode_event("/", "say \"hi\"", "null"), R"(2["say \"hi\"",null])");
}

TEST(SocketIoCodec, DecodesNamespaceQueryAckIdAndData) {
  const auto connect = decode("0/consumer_api?token=a%20b&x,");
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->type, PacketType::connect);
  EXPECT_EQ(connect->nsp, "/consumer_api");
  EXPECT_EQ(connect->query, "token=a%20b&x");
  EXPECT_EQ(connect->data, "");

  const auto event = decode(R"(2/consumer_api,12["ping",{"n":1}])");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, PacketType::event);
  EXPECT_EQ(event->nsp, "/consumer_api");
  ASSERT_TRUE(event->ack_id);
  EXPECT_EQ(*event->ack_id, 12);
  EXPECT_EQ(event->data, R"(["ping",{"n":1}])");

  const auto root = decode(R"(2["x"])");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->nsp, "/");
  EXPECT_FALSE(root->ack_id);

  const auto no_comma = decode("0/consumer_api");
  ASSERT_TRUE(no_comma);
  EXPECT_EQ(no_comma->nsp, "/consumer_api");
}

TEST(SocketIoCodec, RefusesBinaryAndMalformedPackets) {
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode("9"));
  EXPECT_FALSE(decode(R"(51-["x",{"_placeholder":true,"num":0}])"));
  EXPECT_FALSE(decode("0/,"));
  EXPECT_FALSE(decode("21234567890123456[]"));
}

TEST(SocketIoCodec, QueryPairsAreDecoded) {
  const auto pairs = parse_query("token=a%20b&empty=&flag&plus=x+y&&bad=%zz");
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"token", "a b"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"plus", "x y"}));
  EXPECT_EQ(pairs[4], (std::pair<std::string, std::string>{"bad", "%zz"}));
}

}  // namespace
}  // namespace processhost::host::socket_io
