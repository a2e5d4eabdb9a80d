#pragma once
// Test doubles for the HTTP side: a responder that records the first response and lets a
// test wait for it, and a logger that keeps its lines.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::iam::testing {

class RecordingResponder final : public Responder {
 public:
  void respond(HttpResponse response) override {
    std::lock_guard lock(mutex_);
    if (response_) return;
    response_ = std::move(response);
    done_.notify_all();
  }
  bool cancelled() const override { return false; }
  void on_cancel(std::function<void()>) override {}

  // The response, once given; nullopt after the timeout.
  std::optional<HttpResponse> wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, timeout, [this] { return response_.has_value(); });
    return response_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<HttpResponse> response_;
};

class RecordingLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(level, std::string(message));
  }
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::pair<LogLevel, std::string>> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

inline std::optional<std::string> header_of(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace processhost::plugins::iam::testing
