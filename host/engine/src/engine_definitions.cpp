// The store's definitions as the truth about deployed models when several hosts share one
// store (docs/cluster.md): a host reads them again when an instance runs a version it lacks
// or a start names a model it does not know, and a stored deployment later than its own
// latest becomes the latest.
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
  store_->load_definitions([this](Result<std::vector<ProcessDefinitionRecord>> loaded) {
    // Parsing is CPU work: off the store's thread.
    post([this, loaded = std::move(loaded)] {
      if (loaded) add_stored_definitions(loaded.value());
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

void EngineCore::add_stored_definitions(const std::vector<ProcessDefinitionRecord>& definitions) {
  for (const auto& definition : definitions) {  // in deployment order
    // Deployments made here come after every stored one, whoever's clock is ahead.
    std::int64_t last = last_deploy_ms_.load();
    while (definition.deployed_at_ms > last && !last_deploy_ms_.compare_exchange_weak(last, definition.deployed_at_ms)) {
    }
    const bool deleted = definition.deleted_at_ms != 0;
    auto model = models_.version(definition.process_model_id, definition.hash);
    if (model && (deleted || !models_.is_later(model->id, definition.deployed_at_ms))) continue;
    if (!model) {
      auto outcome = parse(definition.xml);
      if (!outcome.ok()) {
        logger_.warn("engine: stored definition " + definition.process_model_id + " (" +
                     definition.hash.substr(0, 12) + ") does not parse and is skipped: " +
                     outcome.problems.front().message);
        continue;
      }
      model = outcome.model;
    }
    if (deleted) {
      models_.add_version(model);
    } else if (models_.add_stored(model, definition.deployed_at_ms,
                                  [this](const std::shared_ptr<const ProcessModel>& added) { schedule_cron(added); })) {
      logger_.info("engine: " + model->id + " (" + model->hash.substr(0, 12) +
                   ") deployed on another host is its latest version here");
    }
  }
}

}  // namespace processhost::engine
