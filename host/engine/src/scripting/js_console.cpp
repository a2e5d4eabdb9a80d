#include "scripting/js_console.hpp"

#include <jsfriendapi.h>

#include <optional>
#include <string>

#include "scripting/js_values.hpp"

namespace processhost::engine {
namespace {

// Each console function's reserved slot holds the ConsoleTarget, so a method works detached
// from the console object too (`const log = console.log; log(1)`).
constexpr size_t kTargetSlot = 0;

const ConsoleTarget* target_of(const JS::CallArgs& args) {
  const JS::Value& slot = js::GetFunctionNativeReserved(&args.callee(), kTargetSlot);
  return slot.isUndefined() ? nullptr : static_cast<const ConsoleTarget*>(slot.toPrivate());
}

// Objects are written as JSON (as the original engine did), everything else as String(value).
template <LogLevel level>
bool console_write(JSContext* cx, unsigned argc, JS::Value* vp) {
  const JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
  // The callee and the return value share a slot: read the target before setting rval.
  const ConsoleTarget* target = target_of(args);
  args.rval().setUndefined();
  if (!target || !target->logger || !target->logger->enabled(level)) return true;
  std::string line = "script '" + std::string(target->origin) + "':";
  for (unsigned i = 0; i < args.length(); ++i) {
    line += ' ';
    const bool as_json = args[i].isObject() && !JS::IsCallable(&args[i].toObject());
    std::optional<std::string> json;
    if (as_json) {
      if (!stringify_json(cx, args[i], json)) return false;
      line += json.value_or("undefined");
    } else {
      line += string_of(cx, args[i]);
    }
  }
  target->logger->log(level, line);
  return true;
}

struct ConsoleMethod {
  const char* name;
  JSNative write;
};

const ConsoleMethod kConsoleMethods[] = {{"log", console_write<LogLevel::info>},
                                         {"info", console_write<LogLevel::info>},
                                         {"warn", console_write<LogLevel::warn>},
                                         {"error", console_write<LogLevel::error>},
                                         {"debug", console_write<LogLevel::debug>}};

}  // namespace

bool install_console(JSContext* cx, JS::HandleObject global, const ConsoleTarget* target) {
  JS::RootedObject console(cx, JS_NewPlainObject(cx));
  if (!console) return false;
  for (const auto& method : kConsoleMethods) {
    JSFunction* function = js::DefineFunctionWithReserved(cx, console, method.name, method.write, 0, JSPROP_ENUMERATE);
    if (!function) return false;
    js::SetFunctionNativeReserved(JS_GetFunctionObject(function), kTargetSlot,
                                  JS::PrivateValue(const_cast<ConsoleTarget*>(target)));
  }
  return JS_DefineProperty(cx, global, "console", console, JSPROP_ENUMERATE);
}

}  // namespace processhost::engine
