#include "audit_log_writer.hpp"

#include <stdexcept>
#include <utility>

namespace processhost::plugins::audit_log {

AuditLogWriter::~AuditLogWriter() {
  close();
}

void AuditLogWriter::open(const std::filesystem::path& path) {
  if (path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  file_.open(path, std::ios::out | std::ios::app);
  if (!file_) throw std::runtime_error("cannot open audit log file '" + path.string() + "' for appending");
  closing_ = false;
  thread_ = std::thread([this] { run(); });
}

void AuditLogWriter::append(std::string line) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
}

void AuditLogWriter::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (file_.is_open()) file_.close();
}

std::uint64_t AuditLogWriter::lines_written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::uint64_t AuditLogWriter::write_failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

void AuditLogWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty() && closing_) return;
    std::deque<std::string> batch;
    batch.swap(queue_);
    // Write without the lock so listeners never wait for the disk.
    lock.unlock();
    for (const auto& line : batch) file_ << line << '\n';
    file_.flush();
    const bool ok = static_cast<bool>(file_);
    file_.clear();
    lock.lock();
    (ok ? written_ : failures_) += batch.size();
  }
}

}  // namespace processhost::plugins::audit_log
