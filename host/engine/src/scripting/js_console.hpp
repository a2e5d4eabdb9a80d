#pragma once
// console.log/info/warn/error/debug for scripts: one line per call in the host log, at the
// method's level, naming the element. The only output a script has.

#include <jsapi.h>

#include <string_view>

#include "processhost/logger.hpp"

namespace processhost::engine {

// Where console lines of the running script go; set per run by the script's context.
struct ConsoleTarget {
  Logger* logger = nullptr;  // may be null: console calls then do nothing
  std::string_view origin;   // element id
};

// Defines `console` on `global`. `target` must outlive the global's use.
bool install_console(JSContext* cx, JS::HandleObject global, const ConsoleTarget* target);

}  // namespace processhost::engine
