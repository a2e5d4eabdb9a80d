#pragma once
// A Logger that drops every line: fuzzing runs millions of inputs, and a logger that keeps
// lines (as the fake host's does) would grow until libFuzzer reports it as a leak.

#include "processhost/logger.hpp"

namespace processhost::fuzz {

class SilentLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view) override {}
  bool enabled(LogLevel) const override { return false; }
};

}  // namespace processhost::fuzz
