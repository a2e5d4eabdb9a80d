// The engine mode: a real Engine on a MemoryStore in this process, called through its
// EngineService interface as the test identity defaultUser; the store is read directly.
#include <chrono>
#include <future>
#include <mutex>

#include "case_target_factory.hpp"
#include "processhost/engine/engine.hpp"
#include "processhost/engine/memory_store.hpp"
#include "test_services.hpp"

namespace processhost::conformance {
namespace {

template <class T, class Call>
Result<T> call_sync(Call&& call) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  call([promise](Result<T> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    throw CaseFailure("the engine did not answer within 20 s");
  }
  return future.get();
}

class NullLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view) override {}
  bool enabled(LogLevel) const override { return false; }
};

InstanceSnapshot snapshot_of(const ProcessInstanceRecord& record) {
  return {record.id, record.correlation_id, std::string(name_of(record.state)), record.error};
}

class EngineTarget final : public CaseTarget {
 public:
  EngineTarget(const Corpus& corpus, const rapidjson::Value& test_case) {
    identity_.user_id = "defaultUser";
    identity_.claims = {"Default_Test_Lane", "LaneA", "LaneB", "LaneC"};
    engine_ = std::make_unique<engine::Engine>(engine::EngineOptions{}, logger_);
    services_.add_to(engine_->service_task_methods());
    engine_->add_listener([this](const EngineEvent& event) {
      if (event.kind != EngineEventKind::message_sent && event.kind != EngineEventKind::signal_sent) return;
      std::lock_guard lock(sent_mutex_);
      sent_.push_back({std::string(name_of(event.kind)), event.payload});
    });
    engine_->start(store_);
    deploy(corpus, test_case["bpmn"].GetString());
    if (auto extra = test_case.FindMember("extraBpmn"); extra != test_case.MemberEnd()) {
      for (const auto& path : extra->value.GetArray()) deploy(corpus, path.GetString());
    }
  }

  ~EngineTarget() override {
    services_.remove_from(engine_->service_task_methods());
    engine_->stop();
  }

  Result<StartResult> start(const StartRequest& request) override {
    return call_sync<StartResult>([&](auto done) { engine_->start(identity_, request, done); });
  }

  Result<std::vector<WaitingTask>> waiting_tasks(TaskKind kind, const std::string& correlation_id,
                                                 const std::optional<std::string>& process_model_id) override {
    TaskQuery query;
    query.kinds = task_kind_bit(kind);
    query.correlation_id = correlation_id;
    query.process_model_id = process_model_id;
    auto listed = call_sync<PagedList<WaitingTask>>([&](auto done) { engine_->waiting_tasks(identity_, query, done); });
    if (!listed) return std::move(listed).take_error();
    return std::move(listed->items);
  }

  Status finish_task(const FinishTaskRequest& request) override {
    return call_sync<Ok>([&](auto done) { engine_->finish_task(identity_, request, done); });
  }

  Result<std::vector<CorrelationResult>> correlation_results(const std::string& correlation_id,
                                                             const std::string& process_model_id) override {
    return call_sync<std::vector<CorrelationResult>>(
        [&](auto done) { engine_->correlation_results(identity_, correlation_id, process_model_id, done); });
  }

  std::vector<std::pair<std::string, std::int64_t>> result_times(const std::string& correlation_id,
                                                                 const std::string& process_model_id) override {
    auto records = call_sync<std::vector<CorrelationResultRecord>>(
        [&](auto done) { store_.query_results(correlation_id, process_model_id, done); });
    if (!records) throw CaseFailure("querying results failed: " + records.error().message);
    std::vector<std::pair<std::string, std::int64_t>> times;
    for (const auto& record : *records) times.emplace_back(record.end_event_id, record.created_at_ms);
    return times;
  }

  std::optional<InstanceSnapshot> instance(const std::string& process_instance_id) override {
    auto record = call_sync<std::optional<ProcessInstanceRecord>>(
        [&](auto done) { store_.load_instance(process_instance_id, done); });
    if (!record) throw CaseFailure("loading the instance failed: " + record.error().message);
    if (!record.value()) return std::nullopt;
    return snapshot_of(*record.value());
  }

  std::optional<InstanceSnapshot> first_instance(const std::string& process_model_id,
                                                 const std::optional<std::string>& correlation_id) override {
    InstanceQuery query;
    query.process_model_id = process_model_id;
    query.correlation_id = correlation_id;
    auto found = call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store_.query_instances(query, done); });
    if (!found) throw CaseFailure("querying instances failed: " + found.error().message);
    if (found->items.empty()) return std::nullopt;
    return snapshot_of(found->items.front());
  }

  Status trigger(EventKind kind, const std::string& name, const std::optional<JsonText>& payload,
                 const std::string& correlation_id) override {
    return call_sync<Ok>([&](auto done) { engine_->trigger(identity_, kind, name, payload, correlation_id, done); });
  }
  bool trigger_carries_correlation() const override { return true; }

  Result<std::vector<WaitingEvent>> waiting_events(const std::string& correlation_id) override {
    EventQuery query;
    query.correlation_id = correlation_id;
    auto listed =
        call_sync<PagedList<WaitingEvent>>([&](auto done) { engine_->waiting_events(identity_, query, done); });
    if (!listed) return std::move(listed).take_error();
    return std::move(listed->items);
  }

  std::vector<SentEvent> sent_events() override {
    std::lock_guard lock(sent_mutex_);
    return sent_;
  }

  Result<std::vector<ExternalTask>> fetch_and_lock(const FetchAndLockRequest& request) override {
    return call_sync<std::vector<ExternalTask>>([&](auto done) { engine_->fetch_and_lock(identity_, request, done); });
  }

  Status complete_external_task(const std::string& external_task_id, const ExternalTaskOutcome& outcome) override {
    return call_sync<Ok>(
        [&](auto done) { engine_->complete_external_task(identity_, external_task_id, outcome, done); });
  }

 private:
  void deploy(const Corpus& corpus, const std::string& relative_path) {
    std::string xml = read_text_file(corpus.directory / relative_path);
    auto deployed = call_sync<ProcessModelInfo>([&](auto done) { engine_->deploy(xml, relative_path, done); });
    if (!deployed) {
      throw CaseFailure("deploying " + relative_path + " failed (" + std::to_string(deployed.error().http_status()) +
                        "): " + deployed.error().message + " " + deployed.error().additional_information);
    }
  }

  Identity identity_;
  NullLogger logger_;
  TestServices services_;
  engine::MemoryStore store_;
  std::unique_ptr<engine::Engine> engine_;
  std::mutex sent_mutex_;
  std::vector<SentEvent> sent_;
};

}  // namespace

std::unique_ptr<CaseTarget> make_case_target(const Corpus& corpus, const rapidjson::Value& test_case) {
  return std::make_unique<EngineTarget>(corpus, test_case);
}

}  // namespace processhost::conformance
