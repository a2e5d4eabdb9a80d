#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>

#include "log_sink.hpp"

namespace processhost::host {
namespace {

// Captures what a LogSink writes to a pipe.
class PipeCapture {
 public:
  PipeCapture() { EXPECT_EQ(::pipe(fds_), 0); }
  ~PipeCapture() {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::string read_all() {
    ::close(fds_[1]);
    fds_[1] = -1;
    std::string text;
    char chunk[1024];
    for (ssize_t n; (n = ::read(fds_[0], chunk, sizeof chunk)) > 0;) text.append(chunk, static_cast<std::size_t>(n));
    return text;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(LogSink, TextLineHasTimeLevelComponentAndOneLine) {
  PipeCapture capture;
  LogSink sink(LogFormat::text, LogLevel::info, capture.fd());
  ComponentLogger logger(sink, "iam");
  logger.warn("two\nlines");
  logger.debug("hidden");
  const std::string text = capture.read_all();
  EXPECT_TRUE(std::regex_match(text, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn \[iam\] two lines\n)")))
      << text;
}

TEST(LogSink, JsonLineIsOneEscapedObject) {
  PipeCapture capture;
  LogSink sink(LogFormat::json, LogLevel::debug, capture.fd());
  ComponentLogger logger(sink, "host");
  logger.debug("say \"hi\"\n");
  const std::string text = capture.read_all();
  EXPECT_TRUE(std::regex_match(
      text, std::regex(R"(\{"time":"[0-9T:.Z-]+","level":"debug","component":"host","message":"say \\"hi\\"\\n"\}\n)")))
      << text;
}

TEST(LogSink, LevelFilterAndNames) {
  LogSink sink(LogFormat::text, LogLevel::warn, -1);
  EXPECT_FALSE(sink.enabled(LogLevel::info));
  EXPECT_TRUE(sink.enabled(LogLevel::error));
  LogLevel level = LogLevel::info;
  EXPECT_TRUE(parse_log_level("error", level));
  EXPECT_EQ(level, LogLevel::error);
  EXPECT_FALSE(parse_log_level("loud", level));
  EXPECT_EQ(log_level_name(LogLevel::warn), "warn");
}

}  // namespace
}  // namespace processhost::host
