#pragma once
// What every route handler shares: the services found at start and the wait registry.
// Held through shared_ptr by the plugin and by every registered route, so a request that
// arrives after stop() finds `stopped` set instead of a destroyed plugin.

#include <atomic>
#include <memory>
#include <string>

#include "plugin_common/http_api/wait_registry.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/identity.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::http_api {

struct ApiState {
  // How messages name the API: "Consumer API", "Management API".
  std::string name = "API";
  // When not empty, holding this claim passes every route's claim check.
  std::string super_claim;
  // Set in start(), before `serving` becomes true; not changed afterwards.
  EngineService* engine = nullptr;
  // Null: no identity service is loaded and the API runs open (anonymous identity).
  const IdentityService* identity = nullptr;
  // The store, where the API shows what only the store keeps (a model's XML); may be null.
  Store* store = nullptr;
  // The application version reported by /info.
  std::string version;
  // The OpenAPI document, built once in configure().
  std::string openapi_document;
  std::shared_ptr<WaitRegistry> waits = std::make_shared<WaitRegistry>();
  // true between start() and stop(); routes answer 503 otherwise.
  std::atomic<bool> serving{false};
};

using ApiStatePtr = std::shared_ptr<ApiState>;

}  // namespace processhost::plugins::http_api
