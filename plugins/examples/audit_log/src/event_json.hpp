#pragma once
// One engine event as one line of JSON (no trailing newline):
//   {"time":<unix ms>,"kind":"user_task_waiting","processModelId":"...","processInstanceId":"...",
//    "correlationId":"...","flowNodeId":"...","flowNodeInstanceId":"...","flowNodeType":"...",
//    "ownerUserId":"...","payload":<json>}
// Empty flow-node fields (process-level events) are left out; "payload" only when asked for.

#include <string>

#include "processhost/services/engine.hpp"

namespace processhost::plugins::audit_log {

std::string event_to_json_line(const EngineEvent& event, bool include_payload);

}  // namespace processhost::plugins::audit_log
