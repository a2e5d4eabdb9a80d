#pragma once
// Writes the runtime state's JSON straight into one std::string. Two ways to write, to one
// output:
// - literal(), quoted(), number(), raw(): the text as given, for serialize_runtime_state's
//   fixed parts (keys and separators written as literals, so no separator is decided at run
//   time);
// - the calls of rapidjson's Writer (Key, String, Int64, RawValue, Start/EndObject,
//   Start/EndArray) with its separators, for the optional parts (runtime_state_extras.cpp).
// Strings are escaped as rapidjson escapes them by default ('"', '\\' and control characters;
// other bytes, UTF-8 included, as they are), so the text is what rapidjson's Writer wrote.
//
// Why not rapidjson's Writer: the runtime state is written on every commit of a running
// instance and is mostly ids and payloads that need no escaping. rapidjson decides every
// separator and escapes byte by byte into a growing StringBuffer that is copied into a string
// at the end; this writer writes into the result's own bytes (sized once from an estimate),
// checks eight bytes at a time for characters to escape and copies the rest at once.
//
// Not thread-safe (one writer per serialization); finish() before the string is read.
// Nesting deeper than kMaxDepth through the rapidjson calls is a bug of the caller (the
// optional parts nest four levels).

#include <rapidjson/rapidjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace processhost::engine {

class RuntimeStateWriter {
 public:
  static constexpr std::size_t kMaxDepth = 32;

  // expected: the size the text will probably take; it grows past it when needed.
  RuntimeStateWriter(std::string& out, std::size_t expected) : out_(out) {
    out_.resize(std::max<std::size_t>(expected, 64));
    pos_ = out_.data();
    end_ = pos_ + out_.size();
  }

  // Cuts the string to what was written.
  void finish() { out_.resize(static_cast<std::size_t>(pos_ - out_.data())); }

  // --- Text as given.
  template <std::size_t N>
  void literal(const char (&text)[N]) {
    ensure(N - 1);
    std::memcpy(pos_, text, N - 1);
    pos_ += N - 1;
  }
  void quoted(std::string_view text) {
    ensure(text.size() + 2);
    *pos_++ = '"';
    append_escaped(text);
    ensure(1);
    *pos_++ = '"';
  }
  void number(std::int64_t value) {
    ensure(20);
    pos_ = std::to_chars(pos_, end_, value).ptr;
  }
  void raw(std::string_view json) {
    ensure(json.size());
    std::memcpy(pos_, json.data(), json.size());
    pos_ += json.size();
  }

  // An object opened with literal() that already has members: the rapidjson calls that
  // follow add members to it (with a ',' first), until end_written_object().
  void continue_written_object() { levels_[depth_++] = Level{true, 2}; }
  void end_written_object() { --depth_; }

  // --- rapidjson's Writer calls.
  void StartObject() { open('{', true); }
  void EndObject() { close('}'); }
  void StartArray() { open('[', false); }
  void EndArray() { close(']'); }
  void Key(const char* text, rapidjson::SizeType length) { String(text, length); }
  void String(const char* text, rapidjson::SizeType length) {
    separate();
    quoted(std::string_view(text, length));
  }
  void Int64(std::int64_t value) {
    separate();
    number(value);
  }
  // JSON text written as it is (payloads and results are complete JSON values already).
  void RawValue(const char* json, std::size_t length, rapidjson::Type) {
    separate();
    raw(std::string_view(json, length));
  }

 private:
  struct Level {
    bool in_object = false;
    std::uint32_t values = 0;  // keys and values written at this level
  };

  void ensure(std::size_t bytes) {
    if (static_cast<std::size_t>(end_ - pos_) < bytes) grow(bytes);
  }

  void grow(std::size_t bytes) {
    const auto used = static_cast<std::size_t>(pos_ - out_.data());
    out_.resize(std::max(2 * out_.size(), used + bytes));
    pos_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  // The separator rapidjson writes before a value: ',' between array elements and members,
  // ':' between a key and its value.
  void separate() {
    if (depth_ == 0) return;
    Level& level = levels_[depth_ - 1];
    if (level.values > 0) {
      ensure(1);
      *pos_++ = (level.in_object && level.values % 2 == 1) ? ':' : ',';
    }
    ++level.values;
  }

  void open(char bracket, bool object) {
    separate();
    ensure(1);
    *pos_++ = bracket;
    levels_[depth_++] = Level{object, 0};
  }

  void close(char bracket) {
    --depth_;
    ensure(1);
    *pos_++ = bracket;
  }

  // True when one of the eight bytes of word is below 0x20, '"' or '\\'. (x - 0x01..) & ~x
  // & 0x80.. is not zero exactly when a byte of x is zero; with 0x20 in place of 0x01, when a
  // byte is below 0x20.
  static bool needs_escape(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
    auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
    const std::uint64_t below_space = (word - 0x20 * kOnes) & ~word & kHighs;
    return (below_space | has_zero(word ^ (0x22 * kOnes)) | has_zero(word ^ (0x5C * kOnes))) != 0;
  }

  static bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

  void append_escaped(std::string_view text) {
    std::size_t clean = 0;  // text[0, clean) needs no escape
    while (clean + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + clean, 8);
      if (needs_escape(word)) break;
      clean += 8;
    }
    while (clean < text.size() && !needs_escape(static_cast<unsigned char>(text[clean]))) ++clean;
    ensure(clean);
    std::memcpy(pos_, text.data(), clean);
    pos_ += clean;
    if (clean < text.size()) append_escaped_rest(text.substr(clean));
  }

  void append_escaped_rest(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    ensure(6 * text.size());
    for (const char byte : text) {
      const auto c = static_cast<unsigned char>(byte);
      if (!needs_escape(c)) {
        *pos_++ = byte;
        continue;
      }
      *pos_++ = '\\';
      switch (c) {
        case '"': *pos_++ = '"'; break;
        case '\\': *pos_++ = '\\'; break;
        case '\b': *pos_++ = 'b'; break;
        case '\f': *pos_++ = 'f'; break;
        case '\n': *pos_++ = 'n'; break;
        case '\r': *pos_++ = 'r'; break;
        case '\t': *pos_++ = 't'; break;
        default:
          *pos_++ = 'u';
          *pos_++ = '0';
          *pos_++ = '0';
          *pos_++ = kHex[c >> 4];
          *pos_++ = kHex[c & 0xF];
      }
    }
  }

  std::string& out_;
  char* pos_ = nullptr;
  char* end_ = nullptr;
  std::array<Level, kMaxDepth> levels_{};
  std::size_t depth_ = 0;
};

}  // namespace processhost::engine
