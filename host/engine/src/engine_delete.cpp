// EngineService::delete_process_model: a deployed model is withdrawn, its instances go on.
#include "engine_core.hpp"

namespace processhost::engine {

// The store first: if it refuses, nothing has changed. A start that picked the model just
// before the withdrawal may still create an instance of it; the store keeps no definition
// for it then, so only such an instance cannot resume after a restart.
void Engine::delete_process_model(const Identity&, std::string process_model_id, Callback<Ok> done) {
  auto& core = *core_;
  if (!core.store()) return done(make_error(ErrorStatus::unavailable, "the engine is not started"));
  if (!core.models().latest(process_model_id)) {
    return done(make_error(ErrorKind::process_model_not_found, {.id = process_model_id}, ErrorStatus::not_found,
                           "process model '" + process_model_id + "' not found"));
  }
  core.store()->delete_definitions(process_model_id, core.now_ms(),
                                   [&core, process_model_id, done = std::move(done)](Status deleted) {
                                     if (!deleted) return done(std::move(deleted).take_error());
                                     if (auto withdrawn = core.models().latest(process_model_id)) {
                                       core.cron_removed(*withdrawn);
                                     }
                                     core.models().withdraw(process_model_id);
                                     // A newer generation without a schedule: the model's cron start events stop
                                     // firing.
                                     core.timers().next_cron_generation(process_model_id);
                                     core.logger().info("engine: deleted process model " + process_model_id);
                                     done(Ok{});
                                   });
}

}  // namespace processhost::engine
