#pragma once
// State shared by the server, its sessions and the responders handed to plugins. A
// responder may outlive the server's I/O context; it posts only while `alive` holds.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "host_config.hpp"
#include "http_metrics.hpp"
#include "processhost/logger.hpp"
#include "websocket_channel.hpp"

namespace processhost::host {

struct HttpShared {
  HttpShared(const HttpConfig& config_in, Logger& logger_in, std::string server_name_in)
      : config(config_in), logger(logger_in), server_name(std::move(server_name_in)) {}

  const HttpConfig config;
  Logger& logger;
  const std::string server_name;
  // Set before the server starts, read-only afterwards.
  std::optional<WebSocketRoute> websocket_route;
  HttpMetrics* metrics = nullptr;  // null: requests are not counted

  std::mutex mutex;
  std::condition_variable sessions_changed;
  bool alive = true;           // guarded by mutex; false once the I/O context stops
  std::size_t sessions = 0;    // guarded by mutex
};

}  // namespace processhost::host
