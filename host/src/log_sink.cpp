#include "log_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "processhost/json.hpp"

namespace processhost::host {
namespace {

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

void write_all(int fd, const std::string& line) {
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t result = ::write(fd, line.data() + written, line.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      return;
    }
    written += static_cast<std::size_t>(result);
  }
}

}  // namespace

LogSink::LogSink(LogFormat format, LogLevel min_level, int fd) : format_(format), min_level_(min_level), fd_(fd) {}

void LogSink::write(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  std::string line;
  if (format_ == LogFormat::json) {
    line = "{\"time\":\"" + utc_timestamp() + "\",\"level\":\"" + std::string(log_level_name(level)) +
           "\",\"component\":" + json_quote(component) + ",\"message\":" + json_quote(message) + "}\n";
  } else {
    std::string flat(message);
    for (char& c : flat) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    line = utc_timestamp() + " " + std::string(log_level_name(level)) + " [" + std::string(component) + "] " +
           flat + "\n";
  }
  write_all(fd_, line);
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

bool parse_log_level(std::string_view name, LogLevel& level) {
  for (LogLevel candidate : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (log_level_name(candidate) == name) {
      level = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace processhost::host
