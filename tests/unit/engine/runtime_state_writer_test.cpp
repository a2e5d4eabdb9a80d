// The runtime state's writer writes what rapidjson's Writer writes for the same calls: the
// state stays readable by every host, old and new.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "instance/runtime_state_writer.hpp"

namespace processhost::engine {
namespace {

// Writes the same document through any writer with rapidjson's interface.
template <class AnyWriter>
void write_document(AnyWriter& writer, const std::vector<std::string>& texts) {
  writer.StartObject();
  writer.Key("v", 1);
  writer.Int64(1);
  writer.Key("numbers", 7);
  writer.StartArray();
  for (std::int64_t n : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN, INT64_MAX, std::int64_t{1733155200000}}) {
    writer.Int64(n);
  }
  writer.EndArray();
  writer.Key("texts", 5);
  writer.StartArray();
  for (const auto& text : texts) {
    writer.StartArray();
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    writer.RawValue(R"({"a":[1,"x"]})", 13, rapidjson::kObjectType);
    writer.EndArray();
  }
  writer.EndArray();
  writer.Key("empty", 5);
  writer.StartObject();
  writer.EndObject();
  writer.Key("nested", 6);
  writer.StartArray();
  writer.StartArray();
  writer.EndArray();
  writer.StartObject();
  writer.Key(texts.back().data(), static_cast<rapidjson::SizeType>(texts.back().size()));
  writer.RawValue("null", 4, rapidjson::kNullType);
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
}

std::vector<std::string> tricky_texts() {
  std::vector<std::string> texts = {"",
                                    "8f0c5a8e-2b7d-4c1e-9a55-3f2e6d7c8b90",
                                    "scriptTask_CreateSampleResult",
                                    "quote \" and backslash \\ in the middle",
                                    "\"\\",
                                    "tab\tnew line\ncarriage\rform\fback\b",
                                    "Grüße, 日本語, emoji \xF0\x9F\x98\x80 and DEL \x7F stay as they are",
                                    "slash / is not escaped"};
  // Every byte value, alone and at each place of an eight-byte word.
  for (int c = 0; c < 256; ++c) {
    for (std::size_t at = 0; at < 9; ++at) {
      std::string text(at, 'a');
      text += static_cast<char>(c);
      text += std::string(8 - at, 'b');
      texts.push_back(text);
    }
  }
  texts.push_back(std::string("nul \0 inside", 12));
  return texts;
}

TEST(RuntimeStateWriter, WritesWhatRapidjsonWrites) {
  const auto texts = tricky_texts();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> reference(buffer);
  write_document(reference, texts);
  std::string written;
  // Far too small an estimate: the text grows as it is written.
  RuntimeStateWriter writer(written, 16);
  write_document(writer, texts);
  writer.finish();
  EXPECT_EQ(written, std::string(buffer.GetString(), buffer.GetSize()));
}

TEST(RuntimeStateWriter, EscapesControlCharactersAsUnicodeEscapes) {
  std::string written;
  RuntimeStateWriter writer(written, 64);
  writer.StartArray();
  writer.String("a\x01" "b\x1F\"", 5);
  writer.Int64(-42);
  writer.EndArray();
  writer.finish();
  EXPECT_EQ(written, R"(["a\u0001b\u001F\"",-42])");
}

// The fixed parts are written as literals; members written through rapidjson's calls after
// them continue the object with a comma.
TEST(RuntimeStateWriter, ContinuesAnObjectWrittenAsLiterals) {
  std::string written;
  RuntimeStateWriter writer(written, 1);
  writer.literal("{\"id\":");
  writer.quoted("a\"b");
  writer.literal(",\"n\":");
  writer.number(7);
  writer.literal(",\"p\":");
  writer.raw(R"({"x":[]})");
  writer.continue_written_object();
  writer.Key("data", 4);
  writer.StartArray();
  writer.RawValue("1", 1, rapidjson::kNumberType);
  writer.RawValue("2", 1, rapidjson::kNumberType);
  writer.EndArray();
  writer.Key("more", 4);
  writer.Int64(3);
  writer.end_written_object();
  writer.literal("}");
  writer.finish();
  EXPECT_EQ(written, R"({"id":"a\"b","n":7,"p":{"x":[]},"data":[1,2],"more":3})");
}

}  // namespace
}  // namespace processhost::engine
