// List pages of the Store contract with enough rows for every way a page is cut: the first
// page, pages read forwards from an offset, pages nearer the end (read backwards from the
// end by pg_store), the last page, a short last page, pages past the end and unlimited pages
// from an offset; each with the filters the Consumer and Management APIs use, lanes for
// access control included. Every page is compared with what the rows, filtered and ordered
// by (created_at_ms, id) here, say it must hold, on pg_store and on the engine's MemoryStore.
// Correlation pages likewise, grouped here. A client paging through (offset 0, 100, 200, ...)
// gets from pg_store's bookmarks (a seek from the previous page's last row) exactly the rows
// OFFSET gives, also when rows are added, finished or removed between its pages, on this store
// or on another one on the same database.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <string>
#include <tuple>
#include <vector>

#include <chrono>
#include <map>
#include <thread>

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


// ---------------------------------------------------------------------------------------
// Correlations, and pages read from bookmarks.

// Instance i: correlation q<(i * 37) % 250> (so the correlations' first instances come in an
// order unlike their ids'), model m(i % 3), owner u(i % 4), finished when i % 5 == 0; two
// instances share each creation time.
std::vector<ProcessInstanceRecord> make_correlated_instances(int count) {
  std::vector<ProcessInstanceRecord> instances;
  for (int i = 0; i < count; ++i) {
    auto instance = make_instance(numbered("ci", i), "m" + std::to_string(i % 3), numbered("q", (i * 37) % 250),
                                  "u" + std::to_string(i % 4), 5000 + i / 2);
    if (i % 5 == 0) instance.state = ProcessInstanceState::finished;
    instances.push_back(std::move(instance));
  }
  return instances;
}

bool selects(const CorrelationQuery& query, const ProcessInstanceRecord& instance) {
  InstanceQuery same;
  same.state = query.state;
  same.process_model_id = query.process_model_id;
  same.correlation_id = query.correlation_id;
  same.owner_user_id = query.owner_user_id;
  return selects(same, instance);
}

// "q00012:ci00003,ci00250" per correlation, in list order: grouped at the first matching
// instance in (created_at_ms, id) order.
std::vector<std::string> expected_correlations(const std::vector<ProcessInstanceRecord>& instances,
                                               const CorrelationQuery& query) {
  std::vector<const ProcessInstanceRecord*> matching;
  for (const auto& instance : instances) {
    if (selects(query, instance)) matching.push_back(&instance);
  }
  std::sort(matching.begin(), matching.end(), [](const auto* a, const auto* b) {
    return std::tie(a->created_at_ms, a->id) < std::tie(b->created_at_ms, b->id);
  });
  std::vector<std::string> order;
  std::map<std::string, std::size_t> position;
  for (const auto* instance : matching) {
    auto [found, added] = position.try_emplace(instance->correlation_id, order.size());
    if (added) order.push_back(instance->correlation_id + ":" + instance->id);
    else order[found->second] += "," + instance->id;
  }
  return order;
}

std::vector<std::string> shapes_of(const PagedList<CorrelationRecord>& list) {
  std::vector<std::string> shapes;
  for (const auto& correlation : list.items) {
    std::string text = correlation.correlation_id + ":";
    for (std::size_t i = 0; i < correlation.instances.size(); ++i) text += (i ? "," : "") + correlation.instances[i].id;
    shapes.push_back(text);
  }
  return shapes;
}

template <class Harness>
class StoreListPagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_ = Harness::create();
    instances_ = make_correlated_instances(900);
    std::vector<std::future<Status>> commits;
    for (const auto& instance : instances_) {
      auto promise = std::make_shared<std::promise<Status>>();
      commits.push_back(promise->get_future());
      store().commit(creation(instance), [promise](Status status) { promise->set_value(std::move(status)); });
    }
    for (auto& committed : commits) ASSERT_TRUE(committed.get().ok());
  }

  Store& store() { return harness_->store(); }

  PagedList<CorrelationRecord> correlations(CorrelationQuery query, PageRequest page) {
    query.page = page;
    auto listed = await_result<PagedList<CorrelationRecord>>(
        [&](auto done) { store().query_correlations(std::move(query), done); });
    EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
    return listed.ok() ? std::move(listed).value() : PagedList<CorrelationRecord>{};
  }
  PagedList<ProcessInstanceRecord> instances(InstanceQuery query, PageRequest page) {
    query.page = page;
    auto listed = await_result<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { store().query_instances(std::move(query), done); });
    EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
    return listed.ok() ? std::move(listed).value() : PagedList<ProcessInstanceRecord>{};
  }

  void expect_correlation_pages(const CorrelationQuery& query) {
    const auto expected = expected_correlations(instances_, query);
    ASSERT_GT(expected.size(), 20u) << "the query must select enough correlations to page through";
    for (const auto page : pages_for(expected.size())) {
      const auto listed = correlations(query, page);
      const std::size_t first = std::min(page.offset, expected.size());
      const std::size_t count =
          page.limit == 0 ? expected.size() - first : std::min(page.limit, expected.size() - first);
      EXPECT_EQ(shapes_of(listed), std::vector<std::string>(expected.begin() + static_cast<std::ptrdiff_t>(first),
                                                            expected.begin() + static_cast<std::ptrdiff_t>(first + count)))
          << "offset " << page.offset << ", limit " << page.limit;
      EXPECT_EQ(listed.total_count, expected.size()) << "offset " << page.offset << ", limit " << page.limit;
    }
  }

  // Pages through query as a client does, limit per page, with between(k) run after page k;
  // every page must hold what OFFSET gives on the rows as they are then (expected_at()).
  template <class List, class Expected, class Between>
  void page_through(std::size_t limit, List list, Expected expected_at, Between between) {
    for (std::size_t k = 0;; ++k) {
      const auto expected = expected_at();
      const PageRequest page{k * limit, limit};
      const auto got = list(page);
      const std::size_t first = std::min(page.offset, expected.size());
      const std::size_t count = std::min(limit, expected.size() - first);
      ASSERT_EQ(got.first, std::vector<std::string>(expected.begin() + static_cast<std::ptrdiff_t>(first),
                                                    expected.begin() + static_cast<std::ptrdiff_t>(first + count)))
          << "page " << k;
      EXPECT_EQ(got.second, expected.size()) << "page " << k;
      if (first + count >= expected.size()) break;
      between(k);
    }
  }

  // A changed copy of instance i committed (its version 1 -> 2).
  void finish(std::size_t i) {
    auto& instance = instances_[i];
    ASSERT_EQ(instance.state, ProcessInstanceState::running);
    instance.state = ProcessInstanceState::finished;
    instance.finished_at_ms = 9000;
    ASSERT_TRUE(commit(transition(instance, 1)).ok());
    instance.version = 2;
  }
  Status commit(ChangeSet changes) {
    return await_result<Ok>([&](auto done) { store().commit(std::move(changes), done); });
  }
  // Pages read from a bookmark so far (pg_store), or 0 (a store without bookmarks).
  std::uint64_t seeks() {
    if constexpr (std::is_same_v<Harness, PgStoreHarness>) {
      return static_cast<PgStoreHarness&>(*harness_).pg_store().bookmarked_pages();
    }
    return 0;
  }
  static constexpr bool kBookmarks = std::is_same_v<Harness, PgStoreHarness>;

  std::unique_ptr<StoreHarness> harness_;
  std::vector<ProcessInstanceRecord> instances_;
};

template <class Record>
std::vector<std::string> record_ids(const PagedList<Record>& list) {
  std::vector<std::string> ids;
  for (const auto& record : list.items) ids.push_back(record.id);
  return ids;
}

TYPED_TEST_SUITE(StoreListPagingTest, StoreKinds);

TYPED_TEST(StoreListPagingTest, CorrelationPagesHoldTheirCorrelationsInOrderWithTheirTotal) {
  this->expect_correlation_pages(CorrelationQuery{});
  CorrelationQuery active;
  active.state = ProcessInstanceState::running;
  this->expect_correlation_pages(active);
  CorrelationQuery by_model;
  by_model.process_model_id = "m2";
  this->expect_correlation_pages(by_model);
  CorrelationQuery own;
  own.owner_user_id = "u1";
  this->expect_correlation_pages(own);
  own.state = ProcessInstanceState::running;
  this->expect_correlation_pages(own);
}

TYPED_TEST(StoreListPagingTest, PagingThroughReadsFromBookmarksTheRowsOffsetGives) {
  CorrelationQuery active;
  active.state = ProcessInstanceState::running;
  const auto before = this->seeks();
  std::size_t pages = 0;
  this->page_through(
      20,
      [&](PageRequest page) {
        ++pages;
        const auto listed = this->correlations(active, page);
        return std::make_pair(shapes_of(listed), listed.total_count);
      },
      [&] { return expected_correlations(this->instances_, active); }, [](std::size_t) {});
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  this->page_through(
      50,
      [&](PageRequest page) {
        ++pages;
        const auto listed = this->instances(running, page);
        return std::make_pair(record_ids(listed), listed.total_count);
      },
      [&] { return expected_order(this->instances_, running); }, [](std::size_t) {});
  // Every page but each list's first from a bookmark.
  if (this->kBookmarks) {
    EXPECT_EQ(this->seeks() - before, pages - 2);
  }
}

TYPED_TEST(StoreListPagingTest, ChangesBeforeABookmarkAnswerAsOffsetDoesAndLaterOnesKeepIt) {
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  CorrelationQuery active;
  active.state = ProcessInstanceState::running;
  // Between pages: a new instance (created after every row: bookmarks stay), an instance
  // before the bookmark finished (it leaves the list: the bookmarks after it go), one added
  // before the bookmark (created earlier than the rows served), the next page's first row
  // finished.
  std::vector<std::uint64_t> seeks_after;
  int added = 0;
  const auto between = [&](std::size_t k) {
    seeks_after.push_back(this->seeks());
    switch (k % 4) {
      case 0: {
        auto fresh = make_instance(numbered("cz", added), "m1", numbered("qz", added), "u1", 90000 + added);
        ++added;
        ASSERT_TRUE(this->commit(creation(fresh)).ok());
        this->instances_.push_back(fresh);
        break;
      }
      case 1:
        for (std::size_t i = 0; i < this->instances_.size(); ++i) {
          if (this->instances_[i].state == ProcessInstanceState::running && this->instances_[i].created_at_ms < 5050) {
            this->finish(i);
            break;
          }
        }
        break;
      case 2: {
        auto early = make_instance(numbered("ca", added), "m0", numbered("qa", added), "u2", 4000 + added);
        ++added;
        ASSERT_TRUE(this->commit(creation(early)).ok());
        this->instances_.push_back(early);
        break;
      }
      default: {
        // The first running instance after the rows served so far: at the next page's start.
        const auto expected = expected_order(this->instances_, running);
        const auto next = std::min<std::size_t>((k + 1) * 40, expected.size() - 1);
        for (std::size_t i = 0; i < this->instances_.size(); ++i) {
          if (this->instances_[i].id == expected[next]) this->finish(i);
        }
        break;
      }
    }
  };
  std::size_t pages = 0;
  this->page_through(
      40,
      [&](PageRequest page) {
        ++pages;
        const auto listed = this->instances(running, page);
        return std::make_pair(record_ids(listed), listed.total_count);
      },
      [&] { return expected_order(this->instances_, running); }, between);
  if (this->kBookmarks) {
    // Read from bookmarks where they stayed valid (after a new instance; before a change),
    // and every page as OFFSET gives it (above).
    ASSERT_GE(seeks_after.size(), 5u);
    EXPECT_GT(this->seeks(), seeks_after.front());
  }
  seeks_after.clear();
  this->page_through(
      15,
      [&](PageRequest page) {
        const auto listed = this->correlations(active, page);
        return std::make_pair(shapes_of(listed), listed.total_count);
      },
      [&] { return expected_correlations(this->instances_, active); }, between);
}

// A second store on the same database (another host): its commits reach the first store's
// bookmarks through their hints.
TEST(StoreListPagingAcrossHosts, AnotherHostsCommitErasesTheBookmarksOnceItsHintArrives) {
  PgStoreHarness first;
  plugins::pg_store::PgStore second(first.config(), nullptr);
  second.start();
  auto instances = make_correlated_instances(300);
  for (const auto& instance : instances) {
    ASSERT_TRUE(await_result<Ok>([&](auto done) { first.store().commit(creation(instance), done); }).ok());
  }
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  const auto page = [&](std::size_t offset) {
    auto query = running;
    query.page = {offset, 30};
    auto listed = await_result<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { first.store().query_instances(std::move(query), done); });
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? record_ids(*listed) : std::vector<std::string>{};
  };
  const auto expected_page = [&](std::size_t offset) {
    const auto expected = expected_order(instances, running);
    return std::vector<std::string>(expected.begin() + static_cast<std::ptrdiff_t>(offset),
                                    expected.begin() + static_cast<std::ptrdiff_t>(offset + 30));
  };
  EXPECT_EQ(page(0), expected_page(0));
  EXPECT_EQ(page(30), expected_page(30));
  const auto seeks = first.pg_store().bookmarked_pages();
  EXPECT_EQ(seeks, 1u);
  // The other host finishes the first running instance and its hint arrives here.
  std::promise<void> heard;
  std::atomic<bool> once{false};
  const auto subscription = first.store().subscribe_hints([&](StoreHints hints) {
    if (!hints.instances.empty() && !once.exchange(true)) heard.set_value();
  });
  auto& finished = *std::find_if(instances.begin(), instances.end(),
                                 [](const auto& instance) { return instance.state == ProcessInstanceState::running; });
  finished.state = ProcessInstanceState::finished;
  ASSERT_TRUE(await_result<Ok>([&](auto done) { second.commit(transition(finished, 1), done); }).ok());
  ASSERT_EQ(heard.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  first.store().unsubscribe_hints(subscription);
  EXPECT_EQ(page(60), expected_page(60));
  EXPECT_EQ(first.pg_store().bookmarked_pages(), seeks) << "the bookmark at 60 went with the hint";
  EXPECT_EQ(page(90), expected_page(90));
  EXPECT_EQ(first.pg_store().bookmarked_pages(), seeks + 1);
  second.stop();
}

}  // namespace
}  // namespace processhost::test
