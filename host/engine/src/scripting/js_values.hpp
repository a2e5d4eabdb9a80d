#pragma once
// Moves values between the engine's JSON text and SpiderMonkey, and turns exceptions into
// the messages the engine reports. All functions run on the context's thread, in its realm.

#include <jsapi.h>

#include <optional>
#include <string>
#include <string_view>

namespace processhost::engine {

// UTF-8 as UTF-16, an invalid sequence as U+FFFD. Script sources are compiled from UTF-16:
// mozjs-102's UTF-8 CompileFunction reads the bytes as Latin-1 ("ü" became "Ã¼").
std::u16string utf16_of(std::string_view utf8);

// Parses UTF-8 JSON into `out`; false with an exception pending when it is not JSON.
bool parse_json(JSContext* cx, std::string_view json, JS::MutableHandleValue out);

// JSON.stringify of `value` as UTF-8; nullopt when JSON cannot express the value (undefined,
// a function, a symbol); false with an exception pending when stringify throws (a cycle, a
// BigInt).
bool stringify_json(JSContext* cx, JS::HandleValue value, std::optional<std::string>& out);

// String(value) as UTF-8; never leaves an exception pending.
std::string string_of(JSContext* cx, JS::HandleValue value);

// Takes the pending exception and returns its text: "ReferenceError: a is not defined".
// A SyntaxError names its line in the compiled source: "SyntaxError: ... (line 2)".
std::string take_exception_text(JSContext* cx);

}  // namespace processhost::engine
