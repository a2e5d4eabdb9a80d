#pragma once
// The SAX filter behind json_parse: it forwards RapidJSON's events to the real handler
// and stops the parse at the first limit breach, so a hostile document costs no more than
// the limit allows. Not part of the SDK's contract; use json_parse.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>

namespace processhost {

namespace detail {

// The first limit a document broke; empty limit while none.
struct JsonBreach {
  std::string limit;
  std::size_t max = 0;
  std::string what;
};

template <class Handler, class Limits>
class JsonLimitHandler {
 public:
  JsonLimitHandler(Handler& next, const Limits& limits) : next_(next), limits_(limits) {}

  const JsonBreach& breach() const { return breach_; }

  bool Null() { return value() && next_.Null(); }
  bool Bool(bool b) { return value() && next_.Bool(b); }
  bool Int(int i) { return value() && next_.Int(i); }
  bool Uint(unsigned i) { return value() && next_.Uint(i); }
  bool Int64(std::int64_t i) { return value() && next_.Int64(i); }
  bool Uint64(std::uint64_t i) { return value() && next_.Uint64(i); }
  bool Double(double d) { return value() && next_.Double(d); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
    return value() && next_.RawNumber(str, length, copy);
  }
  bool String(const char* str, rapidjson::SizeType length, bool copy) {
    return value() && text(str, length, "a string") && next_.String(str, length, copy);
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    return count_member() && text(str, length, "a member name") && next_.Key(str, length, copy);
  }
  bool StartObject() { return value() && open(true) && next_.StartObject(); }
  bool EndObject(rapidjson::SizeType count) {
    open_.pop_back();
    return next_.EndObject(count);
  }
  bool StartArray() { return value() && open(false) && next_.StartArray(); }
  bool EndArray(rapidjson::SizeType count) {
    open_.pop_back();
    return next_.EndArray(count);
  }

 private:
  struct Container {
    std::size_t count = 0;
    bool object = false;
  };

  bool fail(const char* limit, std::size_t max, std::string what) {
    breach_ = {limit, max, std::move(what)};
    return false;
  }

  // A value inside an array counts as one element of it; inside an object the key counted.
  bool value() {
    if (open_.empty() || open_.back().object) return true;
    if (++open_.back().count > limits_.max_members) {
      return fail("maxJsonMembers", limits_.max_members, "an array has more elements than allowed");
    }
    return true;
  }

  bool count_member() {
    if (++open_.back().count > limits_.max_members) {
      return fail("maxJsonMembers", limits_.max_members, "an object has more members than allowed");
    }
    return true;
  }

  bool open(bool object) {
    if (open_.size() >= limits_.max_depth) {
      return fail("maxJsonDepth", limits_.max_depth, "the document is nested deeper than allowed");
    }
    open_.push_back({0, object});
    return true;
  }

  bool text(const char* str, rapidjson::SizeType length, const char* what) {
    if (length > limits_.max_string_bytes) {
      return fail("maxJsonStringBytes", limits_.max_string_bytes, std::string(what) + " is longer than allowed");
    }
    if (limits_.refuse_nul && std::memchr(str, 0, length) != nullptr) {
      return fail("noNul", 0, std::string(what) + " contains U+0000");
    }
    // kParseValidateEncodingFlag checks the raw bytes; an escaped lone surrogate
    // ("\uDC00") still decodes to bytes that are not UTF-8, so the result is checked too.
    rapidjson::MemoryStream bytes(str, length);
    while (bytes.Tell() < length) {
      unsigned codepoint = 0;
      if (!rapidjson::UTF8<>::Decode(bytes, &codepoint)) {
        return fail("validUtf8", 0, std::string(what) + " holds an escape that is not a Unicode character");
      }
    }
    return true;
  }

  Handler& next_;
  const Limits& limits_;
  JsonBreach breach_;
  std::vector<Container> open_;
};

}  // namespace detail
}  // namespace processhost
