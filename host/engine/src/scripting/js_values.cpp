#include "scripting/js_values.hpp"

#include <js/Conversions.h>
#include <js/Exception.h>
#include <js/JSON.h>

namespace processhost::engine {
namespace {

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// JSON.stringify writes UTF-16 in chunks; the engine speaks UTF-8. A surrogate pair may be
// split across chunks, so a high surrogate waits for the next chunk.
struct Utf8Writer {
  std::string text;
  char16_t pending_high = 0;
  bool wrote = false;

  void write(const char16_t* chars, uint32_t length) {
    wrote = true;
    for (uint32_t i = 0; i < length; ++i) {
      const char16_t unit = chars[i];
      if (pending_high != 0) {
        const char16_t high = pending_high;
        pending_high = 0;
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          append_utf8(text, 0x10000 + ((char32_t(high) - 0xD800) << 10) + (char32_t(unit) - 0xDC00));
          continue;
        }
        append_utf8(text, 0xFFFD);
      }
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        pending_high = unit;
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        append_utf8(text, 0xFFFD);
      } else {
        append_utf8(text, unit);
      }
    }
  }

  std::string finish() {
    if (pending_high != 0) append_utf8(text, 0xFFFD);
    pending_high = 0;
    return std::move(text);
  }
};

bool write_chunk(const char16_t* chars, uint32_t length, void* data) {
  static_cast<Utf8Writer*>(data)->write(chars, length);
  return true;
}

std::string utf8_of(JSContext* cx, JS::HandleString string) {
  JS::UniqueChars chars = JS_EncodeStringToUTF8(cx, string);
  if (!chars) {
    JS_ClearPendingException(cx);
    return {};
  }
  // An embedded NUL ends the text early; messages and String() of values rarely hold one.
  return chars.get();
}

}  // namespace

std::u16string utf16_of(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    char32_t code = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    bool valid = length != 0 && i + length <= utf8.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    const char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && code >= kSmallest[length] && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
    if (!valid) {
      out += u'\uFFFD';
      ++i;
      continue;
    }
    if (code >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((code - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((code - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(code);
    }
    i += length;
  }
  return out;
}

bool parse_json(JSContext* cx, std::string_view json, JS::MutableHandleValue out) {
  JS::RootedString text(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(json.data(), json.size())));
  if (!text) return false;
  return JS_ParseJSON(cx, text, out);
}

bool stringify_json(JSContext* cx, JS::HandleValue value, std::optional<std::string>& out) {
  // JSON.stringify answers undefined for these; JS_Stringify would write "null".
  if (value.isUndefined() || value.isSymbol() || (value.isObject() && JS::IsCallable(&value.toObject()))) {
    out.reset();
    return true;
  }
  JS::RootedValue stringified(cx, value);
  Utf8Writer writer;
  if (!JS_Stringify(cx, &stringified, nullptr, JS::NullHandleValue, write_chunk, &writer)) return false;
  if (writer.wrote) {
    out = writer.finish();
  } else {
    out.reset();
  }
  return true;
}

std::string string_of(JSContext* cx, JS::HandleValue value) {
  JS::RootedString string(cx, JS::ToString(cx, value));
  if (!string) {
    JS_ClearPendingException(cx);
    return "(a value that cannot be shown as a string)";
  }
  return utf8_of(cx, string);
}

std::string take_exception_text(JSContext* cx) {
  JS::RootedValue exception(cx);
  if (!JS_GetPendingException(cx, &exception)) return "script stopped without an error";
  JS_ClearPendingException(cx);
  std::string text = string_of(cx, exception);
  if (exception.isObject()) {
    JS::RootedObject error(cx, &exception.toObject());
    if (JSErrorReport* report = JS_ErrorFromException(cx, error); report && report->exnType == JSEXN_SYNTAXERR) {
      text += " (line " + std::to_string(report->lineno) + ")";
    }
  }
  return text;
}

}  // namespace processhost::engine
