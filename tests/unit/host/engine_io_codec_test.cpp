// Engine.IO 3 framing: packets, polling payloads with UTF-16 lengths, the open packet.

#include <gtest/gtest.h>

#include "engine_io_codec.hpp"

namespace processhost::host::engine_io {
namespace {

TEST(EngineIoCodec, PacketIsTypeDigitAndData) {
  EXPECT_EQ(encode_packet(PacketType::ping, "probe"), "2probe");
  EXPECT_EQ(encode_packet(PacketType::noop), "6");
  const auto message = decode_packet("4hello");
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type, PacketType::message);
  EXPECT_EQ(message->data, "hello");
  EXPECT_EQ(decode_packet("5")->type, PacketType::upgrade);
  EXPECT_FALSE(decode_packet(""));
  EXPECT_FALSE(decode_packet("7x"));
  EXPECT_FALSE(decode_packet("b4AAAA"));  // base64 binary is not supported
}

TEST(EngineIoCodec, PayloadFramesEachPacketWithItsLength) {
  EXPECT_EQ(encode_payload({"0{}", "40"}), "3:0{}2:40");
  EXPECT_EQ(encode_payload({}), "");
  const auto packets = decode_payload("3:0{}2:4016:40/consumer_api,");
  ASSERT_TRUE(packets);
  EXPECT_EQ(*packets, (std::vector<std::string>{"0{}", "40", "40/consumer_api,"}));
}

TEST(EngineIoCodec, LengthsCountUtf16CodeUnitsNotBytes) {
  // "ä" is two bytes and one unit; "😀" is four bytes and two units (a surrogate pair).
  EXPECT_EQ(utf16_length("4\xC3\xA4"), 2u);
  EXPECT_EQ(utf16_length("4\xF0\x9F\x98\x80"), 3u);
  EXPECT_EQ(encode_payload({"4\xC3\xA4", "4\xF0\x9F\x98\x80"}), "2:4\xC3\xA4" "3:4\xF0\x9F\x98\x80");
  const auto packets = decode_payload("2:4\xC3\xA4" "3:4\xF0\x9F\x98\x80" "1:2");
  ASSERT_TRUE(packets);
  EXPECT_EQ(*packets, (std::vector<std::string>{"4\xC3\xA4", "4\xF0\x9F\x98\x80", "2"}));
}

TEST(EngineIoCodec, BrokenPayloadsAreRefused) {
  EXPECT_FALSE(decode_payload("3:ab"));            // runs past the end
  EXPECT_FALSE(decode_payload("x:4"));             // length is not a number
  EXPECT_FALSE(decode_payload(":4"));              // no length
  EXPECT_FALSE(decode_payload("2"));               // no colon
  EXPECT_FALSE(decode_payload("2:4\xF0\x9F\x98"));  // splits a surrogate pair / truncated character
  EXPECT_FALSE(decode_payload("1:\xA4"));          // a lone continuation byte
}

TEST(EngineIoCodec, OpenPacketOffersWebSocketOnPolling) {
  EXPECT_EQ(open_packet_json("abc", true, 25000, 20000),
            R"({"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000})");
  EXPECT_EQ(open_packet_json("abc", false, 100, 200),
            R"({"sid":"abc","upgrades":[],"pingInterval":100,"pingTimeout":200})");
}

}  // namespace
}  // namespace processhost::host::engine_io
