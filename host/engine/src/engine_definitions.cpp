// The store's definitions as the truth about deployed models when several hosts share one
// store (docs/cluster.md): a host reads them again when an instance runs a version it lacks,
// a start names a model it does not know or another host's hint says a model was deployed or
// deleted; each model's latest is then the store's (its last deployment), and a model the
// store holds no deployed version of is no longer startable here.
#include <map>

#include "engine_core.hpp"

namespace processhost::engine {

void EngineCore::read_stored_definitions(Callback<Ok> done) {
  if (!store_) return done(make_error(ErrorStatus::unavailable, "the engine is not started"));
  // A read reads every definition: concurrent callers (a burst of starts naming an unknown
  // model) share reads instead of each reading them all.
  {
    std::lock_guard lock(definition_reads_mutex_);
    if (definitions_reading_) {
      definitions_next_.push_back(std::move(done));
      return;
    }
    definitions_reading_ = true;
    definitions_current_.push_back(std::move(done));
  }
  read_definitions_now();
}

void EngineCore::read_definitions_now() {
  // Latest versions this host sets from now on may be newer than what the read returns.
  const std::uint64_t read_at = models_.generation();
  store_->load_definitions([this, read_at](Result<std::vector<ProcessDefinitionRecord>> loaded) {
    // Parsing is CPU work: off the store's thread.
    post([this, read_at, loaded = std::move(loaded)] {
      if (loaded) add_stored_definitions(loaded.value(), read_at);
      std::vector<Callback<Ok>> served;
      bool again = false;
      {
        std::lock_guard lock(definition_reads_mutex_);
        served.swap(definitions_current_);
        definitions_current_.swap(definitions_next_);
        again = !definitions_current_.empty();
        definitions_reading_ = again;
      }
      if (again) read_definitions_now();
      for (auto& done : served) {
        if (loaded) {
          done(Ok{});
        } else {
          done(Error(loaded.error()));
        }
      }
    });
  });
}

void EngineCore::add_stored_definitions(const std::vector<ProcessDefinitionRecord>& definitions,
                                        std::uint64_t read_at) {
  struct StoredLatest {
    std::shared_ptr<const ProcessModel> model;
    std::int64_t deployed_at_ms = 0;
  };
  std::map<std::string, StoredLatest> stored_latest;  // by model id; null model: none deployed
  for (const auto& definition : definitions) {  // in deployment order: the last deployed wins
    // Deployments made here come after every stored one, whoever's clock is ahead.
    std::int64_t last = last_deploy_ms_.load();
    while (definition.deployed_at_ms > last && !last_deploy_ms_.compare_exchange_weak(last, definition.deployed_at_ms)) {
    }
    auto& latest = stored_latest[definition.process_model_id];
    auto model = models_.version(definition.process_model_id, definition.hash);
    if (!model) {
      auto outcome = parse(definition.xml);
      if (!outcome.ok()) {
        logger_.warn("engine: stored definition " + definition.process_model_id + " (" +
                     definition.hash.substr(0, 12) + ") does not parse and is skipped: " +
                     outcome.problems.front().message);
        continue;
      }
      model = outcome.model;
      models_.add_version(model);
    }
    if (definition.deleted_at_ms == 0) latest = {model, definition.deployed_at_ms};
  }
  // Models this host has a latest of that the store no longer deploys: deleted elsewhere.
  for (const auto& id : models_.latest_ids()) stored_latest.try_emplace(id);
  for (const auto& [id, latest] : stored_latest) {
    auto before = models_.latest(id);
    const auto agreement = models_.agree_with_store(
        id, latest.model, latest.deployed_at_ms, read_at,
        [this](const std::shared_ptr<const ProcessModel>& added, std::int64_t deployed_at_ms) {
          schedule_cron(added, deployed_at_ms);
        });
    if (agreement == ModelRegistry::Agreement::replaced) {
      logger_.info("engine: " + id + " (" + latest.model->hash.substr(0, 12) +
                   ") is its latest version by the store's deployments");
    } else if (agreement == ModelRegistry::Agreement::withdrawn) {
      if (before) cron_removed(*before);
      // A newer generation without a schedule: the model's cron start events stop firing.
      timers_.next_cron_generation(id);
      logger_.info("engine: process model " + id + " was deleted by another host");
    }
  }
}

}  // namespace processhost::engine
