#pragma once
// Appends lines to a file from its own thread, so that engine listeners (which must not
// block) only enqueue. Lines are written whole and flushed in batches.
//
// Threading: append() and counters are thread-safe. open() before append(); close()
// writes what is queued, joins the thread and closes the file; the destructor closes.
// Errors: open() throws std::runtime_error naming the path (control plane); a failing
// write afterwards is counted in write_failures(), never thrown.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace processhost::plugins::audit_log {

class AuditLogWriter {
 public:
  AuditLogWriter() = default;
  ~AuditLogWriter();
  AuditLogWriter(const AuditLogWriter&) = delete;
  AuditLogWriter& operator=(const AuditLogWriter&) = delete;

  void open(const std::filesystem::path& path);
  void append(std::string line);
  void close() noexcept;

  std::uint64_t lines_written() const;
  std::uint64_t write_failures() const;

 private:
  void run();

  std::ofstream file_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  std::uint64_t written_ = 0;
  std::uint64_t failures_ = 0;
  std::thread thread_;
};

}  // namespace processhost::plugins::audit_log
