#include <memory>
#include <string>

#include "pg_store.hpp"
#include "processhost/plugin.hpp"

namespace processhost::plugins::pg_store {
namespace {

// The plugin shell: reads the settings in configure(), provides the Store service, and
// opens the database in start() (so a missing database stops start-up with its message).
class PgStorePlugin final : public Plugin {
 public:
  void configure(HostContext& context) override {
    auto config = parse_pg_config(context.config(), context.config_dir(), context.config_file());
    logger_ = &context.logger();
    store_ = std::make_unique<PgStore>(std::move(config), logger_);
    context.services().provide<Store>(*store_);
  }

  void start(HostContext& context) override {
    const auto outcome = store_->start();
    if (auto* metrics = context.services().find<MetricsService>()) store_->attach_metrics(*metrics);
    const auto& config = store_->config();
    logger_->info(std::string(outcome.database_created ? "created database \"" : "using database \"") +
                  config.database + "\" at " + config.server() + ", schema version " +
                  std::to_string(outcome.schema_version) + ", " + std::to_string(config.pool_size) +
                  " connections");
  }

  void stop() noexcept override {
    if (store_) {
      store_->detach_metrics();
      store_->stop();
    }
  }

 private:
  Logger* logger_ = nullptr;
  std::unique_ptr<PgStore> store_;
};

}  // namespace

PROCESSHOST_PLUGIN(.name = "pg_store",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .provides = service_ids<Store>,
                   .create = &create_plugin<PgStorePlugin>)

}  // namespace processhost::plugins::pg_store
