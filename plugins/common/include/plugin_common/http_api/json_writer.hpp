#pragma once
// Small helpers over RapidJSON's Writer for the API plugins' response bodies: keys and strings
// from string_views, embedded JSON texts, and a whole document rendered by one callable.

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/json.hpp"

namespace processhost::plugins::http_api::json_writer {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void key(Writer& writer, std::string_view name) {
  writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}
inline void string(Writer& writer, std::string_view value) {
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
inline void field(Writer& writer, std::string_view name, std::string_view value) {
  key(writer, name);
  string(writer, value);
}
inline void null_field(Writer& writer, std::string_view name) {
  key(writer, name);
  writer.Null();
}
// Embeds serialized JSON (a stored token, an error object); an empty text is written as null.
inline void raw(Writer& writer, std::string_view name, const JsonText& value) {
  key(writer, name);
  if (value.empty()) {
    writer.Null();
  } else {
    writer.RawValue(value.data(), value.size(), rapidjson::kObjectType);
  }
}

// A contract list: {"<wrapper>": [write_item(writer, item) for each item], "totalCount": total}.
template <class Items, class WriteItem>
void list(Writer& writer, std::string_view wrapper, const Items& items, std::uint64_t total, WriteItem write_item) {
  writer.StartObject();
  key(writer, wrapper);
  writer.StartArray();
  for (const auto& item : items) write_item(writer, item);
  writer.EndArray();
  key(writer, "totalCount");
  writer.Uint64(total);
  writer.EndObject();
}

// The text fill(writer) writes.
template <class Fill>
std::string render(Fill fill) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  fill(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace processhost::plugins::http_api::json_writer
