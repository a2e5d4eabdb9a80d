// List pages of the Store contract with enough rows for every way a page is cut: the first
// page, pages read forwards from an offset, pages nearer the end (read backwards from the
// end by pg_store), the last page, a short last page, pages past the end and unlimited pages
// from an offset; each with the filters the Consumer and Management APIs use, lanes for
// access control included. Every page is compared with what the rows, filtered and ordered
// by (created_at_ms, id) here, say it must hold, on pg_store and on the engine's MemoryStore.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <string>
#include <tuple>
#include <vector>

#include "store_harness.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

constexpr int kInstances = 1200;

// Ids of one length, letters and digits only: byte order and the cluster's C collation agree.
std::string numbered(const char* prefix, int n) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%05d", prefix, n);
  return text;
}

struct Rows {
  std::vector<ProcessInstanceRecord> instances;
  std::vector<FlowNodeInstanceRecord> nodes;
};

// Instance i: model m(i % 3), correlation c(i % 7), owner u(i % 5), finished when i % 4 == 0;
// three instances share each creation time, so the id decides their order. Its first node is
// a finished start event; its second waits while the instance runs: a user task (odd i) or a
// manual task, a message catch event when i % 11 == 0, in no lane, lane_a or lane_b (i % 3).
Rows make_rows() {
  Rows rows;
  for (int i = 0; i < kInstances; ++i) {
    const std::int64_t created = 1000 + i / 3;
    auto instance = make_instance(numbered("pi", i), "m" + std::to_string(i % 3), "c" + std::to_string(i % 7),
                                  "u" + std::to_string(i % 5), created);
    if (i % 4 == 0) instance.state = ProcessInstanceState::finished;
    const bool running = instance.state == ProcessInstanceState::running;
    rows.nodes.push_back(make_node(instance, numbered("na", i), "start", created, "bpmn:StartEvent",
                                   FlowNodeState::finished, ""));
    const char* lanes[] = {"", "lane_a", "lane_b"};
    auto waiting = make_node(instance, numbered("nb", i), "task", created,
                             i % 2 == 1 ? "bpmn:UserTask" : "bpmn:ManualTask",
                             running ? FlowNodeState::suspended : FlowNodeState::finished, lanes[i % 3]);
    if (i % 11 == 0) {
      waiting.flow_node_type = "bpmn:IntermediateCatchEvent";
      waiting.event_type = "messageEvent";
      waiting.event_name = "paid";
    }
    rows.nodes.push_back(std::move(waiting));
    rows.instances.push_back(std::move(instance));
  }
  return rows;
}

bool in_lanes(const FlowNodeQuery& query, const FlowNodeInstanceRecord& node) {
  return !query.lanes || node.flow_node_lane.empty() ||
         std::find(query.lanes->begin(), query.lanes->end(), node.flow_node_lane) != query.lanes->end();
}

bool selects(const FlowNodeQuery& query, const FlowNodeInstanceRecord& node) {
  const auto same = [](const std::optional<std::string>& wanted, const std::string& value) {
    return !wanted || *wanted == value;
  };
  return (query.flow_node_types.empty() || std::find(query.flow_node_types.begin(), query.flow_node_types.end(),
                                                     node.flow_node_type) != query.flow_node_types.end()) &&
         (!query.state || *query.state == node.state) && same(query.process_model_id, node.process_model_id) &&
         same(query.process_instance_id, node.process_instance_id) && same(query.correlation_id, node.correlation_id) &&
         same(query.owner_user_id, node.owner_user_id) && (!query.events_only || !node.event_type.empty()) &&
         in_lanes(query, node);
}

bool selects(const InstanceQuery& query, const ProcessInstanceRecord& instance) {
  const auto same = [](const std::optional<std::string>& wanted, const std::string& value) {
    return !wanted || *wanted == value;
  };
  return (!query.state || *query.state == instance.state) && same(query.process_model_id, instance.process_model_id) &&
         same(query.correlation_id, instance.correlation_id) && same(query.owner_user_id, instance.owner_user_id);
}

// The ids every matching row, in list order.
template <class Record, class Query>
std::vector<std::string> expected_order(const std::vector<Record>& records, const Query& query) {
  std::vector<const Record*> matching;
  for (const auto& record : records) {
    if (selects(query, record)) matching.push_back(&record);
  }
  std::sort(matching.begin(), matching.end(), [](const Record* a, const Record* b) {
    return std::tie(a->created_at_ms, a->id) < std::tie(b->created_at_ms, b->id);
  });
  std::vector<std::string> ids;
  for (const auto* record : matching) ids.push_back(record->id);
  return ids;
}

// The pages a client may ask for, given the total: first, forwards, around the middle, nearer
// the end, last (full and short), past the end, and everything from an offset.
std::vector<PageRequest> pages_for(std::size_t total) {
  std::vector<PageRequest> pages = {{0, 100}, {0, 7}, {100, 100}, {total / 2 - 1, 7}, {total / 2 + 1, 7},
                                    {total >= 100 ? total - 100 : 0, 100}, {total - 1, 100}, {total - 3, 7}, {total, 10},
                                    {total + 5, 10}, {0, 0}, {total - 30, 0}, {10, 0}};
  const std::size_t last_full = total - total % 100;
  pages.push_back({last_full == total ? total - 100 : last_full, 100});
  return pages;
}

template <class Harness>
class StorePagingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rows_ = new Rows(make_rows());
    harness_ = Harness::create().release();
    // Every instance's commit at once: pg_store groups them, the test waits for them all.
    std::vector<std::future<Status>> commits;
    for (std::size_t i = 0; i < rows_->instances.size(); ++i) {
      auto promise = std::make_shared<std::promise<Status>>();
      commits.push_back(promise->get_future());
      harness_->store().commit(creation(rows_->instances[i], {rows_->nodes[2 * i], rows_->nodes[2 * i + 1]}),
                               [promise](Status status) { promise->set_value(std::move(status)); });
    }
    for (auto& committed : commits) ASSERT_TRUE(committed.get().ok());
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
    delete rows_;
    rows_ = nullptr;
  }

  static void expect_pages(FlowNodeQuery query) {
    const auto expected = expected_order(rows_->nodes, query);
    ASSERT_GT(expected.size(), 20u) << "the query must select enough rows to page through";
    for (const auto page : pages_for(expected.size())) {
      query.page = page;
      auto listed = await_result<PagedList<FlowNodeInstanceRecord>>(
          [&](auto done) { harness_->store().query_flow_nodes(query, done); });
      ASSERT_TRUE(listed.ok()) << listed.error().message;
      compare(*listed, expected, page);
      // Uncounted (the Consumer API's UserTaskList): the same items, a total of at least
      // offset + items.
      auto uncounted_query = query;
      uncounted_query.page.count_total = false;
      auto uncounted = await_result<PagedList<FlowNodeInstanceRecord>>(
          [&](auto done) { harness_->store().query_flow_nodes(uncounted_query, done); });
      ASSERT_TRUE(uncounted.ok()) << uncounted.error().message;
      EXPECT_EQ(ids_of(*uncounted), ids_of(*listed)) << "offset " << page.offset << ", limit " << page.limit;
      EXPECT_GE(uncounted->total_count, std::min(page.offset, expected.size()) + uncounted->items.size());
    }
  }

  template <class Record>
  static std::vector<std::string> ids_of(const PagedList<Record>& list) {
    std::vector<std::string> ids;
    for (const auto& record : list.items) ids.push_back(record.id);
    return ids;
  }

  static void expect_pages(InstanceQuery query) {
    const auto expected = expected_order(rows_->instances, query);
    ASSERT_GT(expected.size(), 20u) << "the query must select enough rows to page through";
    for (const auto page : pages_for(expected.size())) {
      query.page = page;
      auto listed = await_result<PagedList<ProcessInstanceRecord>>(
          [&](auto done) { harness_->store().query_instances(query, done); });
      ASSERT_TRUE(listed.ok()) << listed.error().message;
      compare(*listed, expected, page);
    }
  }

  template <class Record>
  static void compare(const PagedList<Record>& listed, const std::vector<std::string>& expected,
                      const PageRequest& page) {
    const std::size_t first = std::min(page.offset, expected.size());
    const std::size_t count = page.limit == 0 ? expected.size() - first : std::min(page.limit, expected.size() - first);
    const std::vector<std::string> wanted(expected.begin() + static_cast<std::ptrdiff_t>(first),
                                          expected.begin() + static_cast<std::ptrdiff_t>(first + count));
    std::vector<std::string> ids;
    for (const auto& record : listed.items) ids.push_back(record.id);
    EXPECT_EQ(listed.total_count, expected.size()) << "offset " << page.offset << ", limit " << page.limit;
    EXPECT_EQ(ids, wanted) << "offset " << page.offset << ", limit " << page.limit;
  }

  static FlowNodeQuery waiting_tasks(std::optional<std::vector<std::string>> lanes) {
    FlowNodeQuery query;
    query.state = FlowNodeState::suspended;
    query.flow_node_types = {"bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"};
    query.lanes = std::move(lanes);
    return query;
  }

  static Rows* rows_;
  static StoreHarness* harness_;
};

template <class Harness>
Rows* StorePagingTest<Harness>::rows_ = nullptr;
template <class Harness>
StoreHarness* StorePagingTest<Harness>::harness_ = nullptr;

using StoreKinds = ::testing::Types<PgStoreHarness, MemoryStoreHarness>;
TYPED_TEST_SUITE(StorePagingTest, StoreKinds);

TYPED_TEST(StorePagingTest, WaitingTaskPagesHoldTheirRowsInOrderWithTheirTotal) {
  // Every lane (a caller who manages instances), then one lane (a caller with that claim).
  this->expect_pages(this->waiting_tasks(std::nullopt));
  this->expect_pages(this->waiting_tasks(std::vector<std::string>{"lane_a"}));
  this->expect_pages(this->waiting_tasks(std::vector<std::string>{}));
  auto user_tasks = this->waiting_tasks(std::vector<std::string>{"lane_b"});
  user_tasks.flow_node_types = {"bpmn:UserTask"};
  this->expect_pages(user_tasks);
}

TYPED_TEST(StorePagingTest, ConsumerTaskListsByModelCorrelationAndOwnerPageAlike) {
  auto by_model = this->waiting_tasks(std::vector<std::string>{"lane_a"});
  by_model.process_model_id = "m1";
  this->expect_pages(by_model);
  auto by_correlation = this->waiting_tasks(std::nullopt);
  by_correlation.correlation_id = "c3";
  this->expect_pages(by_correlation);
  auto by_correlation_and_model = this->waiting_tasks(std::vector<std::string>{"lane_b"});
  by_correlation_and_model.correlation_id = "c2";
  by_correlation_and_model.process_model_id = "m2";
  // c2 and m2 together select about 40 waiting tasks: enough for the short pages.
  this->expect_pages(by_correlation_and_model);
  auto own = this->waiting_tasks(std::vector<std::string>{"lane_a", "lane_b"});
  own.owner_user_id = "u4";
  this->expect_pages(own);
}

TYPED_TEST(StorePagingTest, WaitingEventPagesKeepToEventsAndLanes) {
  FlowNodeQuery events;
  events.state = FlowNodeState::suspended;
  events.events_only = true;
  this->expect_pages(events);
  events.lanes = std::vector<std::string>{"lane_a"};
  this->expect_pages(events);
}

TYPED_TEST(StorePagingTest, InstancePagesOfTheManagementApiHoldTheirRowsInOrderWithTheirTotal) {
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  this->expect_pages(running);
  InstanceQuery finished;
  finished.state = ProcessInstanceState::finished;
  this->expect_pages(finished);
  InstanceQuery by_model;
  by_model.process_model_id = "m0";
  this->expect_pages(by_model);
  InstanceQuery by_correlation;
  by_correlation.correlation_id = "c6";
  this->expect_pages(by_correlation);
  InstanceQuery own;
  own.owner_user_id = "u1";
  own.state = ProcessInstanceState::running;
  this->expect_pages(own);
  this->expect_pages(InstanceQuery{});
}

}  // namespace
}  // namespace processhost::test
