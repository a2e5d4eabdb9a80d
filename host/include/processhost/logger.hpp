#pragma once
// Logging: one line per event with level and component. The host formats the line
// (text or JSON); plugins only say what happened.

#include <string_view>

namespace processhost {

enum class LogLevel { debug, info, warn, error };

// Thread-safe; never blocks on I/O for long (lines are written whole, unbuffered).
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  virtual bool enabled(LogLevel level) const = 0;

  void debug(std::string_view message) { log(LogLevel::debug, message); }
  void info(std::string_view message) { log(LogLevel::info, message); }
  void warn(std::string_view message) { log(LogLevel::warn, message); }
  void error(std::string_view message) { log(LogLevel::error, message); }
};

}  // namespace processhost
