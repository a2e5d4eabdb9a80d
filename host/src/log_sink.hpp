#pragma once
// Where every log line of the process goes: one line per event, with time, level and
// component, as text or as one JSON object per line. Thread-safe; each line is written
// with a single write() so lines of different threads never interleave.

#include <memory>
#include <string>
#include <string_view>

#include "processhost/logger.hpp"

namespace processhost::host {

enum class LogFormat { text, json };

class LogSink {
 public:
  // Writes to file descriptor fd (stderr by default); does not own it.
  explicit LogSink(LogFormat format = LogFormat::text, LogLevel min_level = LogLevel::info, int fd = 2);

  void write(LogLevel level, std::string_view component, std::string_view message);
  bool enabled(LogLevel level) const { return level >= min_level_; }
  void set_format(LogFormat format) { format_ = format; }
  void set_min_level(LogLevel level) { min_level_ = level; }

 private:
  LogFormat format_;
  LogLevel min_level_;
  int fd_;
};

// A Logger whose lines carry one component name ("host", "http", a plugin's name).
class ComponentLogger final : public Logger {
 public:
  ComponentLogger(LogSink& sink, std::string component) : sink_(sink), component_(std::move(component)) {}
  void log(LogLevel level, std::string_view message) override { sink_.write(level, component_, message); }
  bool enabled(LogLevel level) const override { return sink_.enabled(level); }

 private:
  LogSink& sink_;
  std::string component_;
};

std::string_view log_level_name(LogLevel level);
// Parses "debug", "info", "warn", "error"; false when the name is unknown.
bool parse_log_level(std::string_view name, LogLevel& level);

}  // namespace processhost::host
