#pragma once
// An external task (a service task that a worker fetches by topic), as the engine hands it
// to workers and as the store keeps it.

#include <cstdint>
#include <optional>
#include <string>

#include "processhost/json.hpp"
#include "processhost/states.hpp"

namespace processhost {

struct ExternalTask {
  std::string id;
  std::string worker_id;
  std::string topic;
  std::string flow_node_instance_id;
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
  JsonText payload;
  std::int64_t lock_expiration_ms = 0;  // unix epoch milliseconds
  ExternalTaskState state = ExternalTaskState::pending;
  std::optional<std::int64_t> finished_at_ms;
  std::optional<JsonText> result;
  std::optional<JsonText> error;
  std::int64_t created_at_ms = 0;
};

}  // namespace processhost
