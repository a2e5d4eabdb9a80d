#pragma once
// audit_log: writes every engine event (process started/ended, tasks waiting/finished, ...)
// as one JSON line to a file, and reports counts at GET /audit_log/counts.
//
// Config (all optional):
//   {"path": "audit_log.jsonl",        relative to the plugin's config folder
//    "includePayload": false,          also log the token/result of each event
//    "kinds": ["process_started", ...]} only these event kinds; all when absent
//
// Threading: the engine calls on_event from its threads; it only formats and enqueues.
// The writer thread does the file I/O. stop() removes the listener first, then drains
// and closes the file, so nothing of this plugin runs after stop() returns.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "audit_log_writer.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::audit_log {

inline constexpr const char* kCountsRoute = "/audit_log/counts";

class AuditLogPlugin final : public Plugin {
 public:
  void configure(HostContext& context) override;
  void start(HostContext& context) override;
  void stop() noexcept override;

 private:
  void on_event(const EngineEvent& event);
  std::string counts_json() const;

  std::filesystem::path path_;
  bool include_payload_ = false;
  std::set<std::string> kinds_;  // empty: every kind
  EngineService* engine_ = nullptr;
  std::optional<std::uint64_t> listener_id_;
  AuditLogWriter writer_;
  mutable std::mutex counts_mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

}  // namespace processhost::plugins::audit_log
