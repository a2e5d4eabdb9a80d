// ListBookmarks without a database: when a bookmark is used, kept and erased.

#include "list_bookmarks.hpp"

#include <gtest/gtest.h>

#include <string>

namespace processhost::plugins::pg_store {
namespace {

ListScope model_scope(const std::string& model) {
  ListScope scope;
  scope.table = ListTable::instances;
  scope.process_model_id = model;
  return scope;
}

ChangedRow instance_row(const std::string& model, std::int64_t created_at_ms) {
  return {ListTable::instances, created_at_ms, model, "instance", "correlation", "owner"};
}

// Reads "page" at offset under a ticket and records its last key as the bookmark at next.
void serve(ListBookmarks& bookmarks, const std::string& list, const ListScope& scope, std::size_t offset,
           std::size_t next, std::int64_t last_created) {
  ListBookmarks::Ticket ticket;
  bookmarks.find(list, scope, offset, ticket);
  bookmarks.remember(ticket, next, RowKey{last_created, "row" + std::to_string(next)});
}

// The position of the bookmark a request at offset is read from, or -1.
long from(ListBookmarks& bookmarks, const std::string& list, const ListScope& scope, std::size_t offset) {
  ListBookmarks::Ticket ticket;
  const auto found = bookmarks.find(list, scope, offset, ticket);
  return found ? static_cast<long>(found->position) : -1;
}

TEST(ListBookmarks, APageServedLeavesABookmarkAtItsEndForTheSameListOnly) {
  ListBookmarks bookmarks(8, 4, 50);
  serve(bookmarks, "a", model_scope("m1"), 0, 100, 500);
  ListBookmarks::Ticket ticket;
  const auto found = bookmarks.find("a", model_scope("m1"), 100, ticket);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->position, 100u);
  EXPECT_EQ(found->key.created_at_ms, 500);
  EXPECT_EQ(found->key.id, "row100");
  EXPECT_EQ(from(bookmarks, "a", model_scope("m1"), 150), 100) << "50 rows past it: read from it";
  EXPECT_EQ(from(bookmarks, "a", model_scope("m1"), 151), -1) << "further: OFFSET";
  EXPECT_EQ(from(bookmarks, "a", model_scope("m1"), 99), -1);
  EXPECT_EQ(from(bookmarks, "b", model_scope("m1"), 100), -1);
  EXPECT_EQ(bookmarks.seeks(), 2u);
}

TEST(ListBookmarks, AChangeAtOrBeforeTheKeyErasesItALaterOneOrAnotherModelsDoesNot) {
  ListBookmarks bookmarks(8, 4, 0);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  serve(bookmarks, "a", scope, 100, 200, 900);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 901)}));  // after both keys
  bookmarks.end_change(bookmarks.begin_change({instance_row("m2", 10)}));   // another model's list
  EXPECT_EQ(from(bookmarks, "a", scope, 100), 100);
  EXPECT_EQ(from(bookmarks, "a", scope, 200), 200);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 900)}));  // the second key's millisecond
  EXPECT_EQ(from(bookmarks, "a", scope, 100), 100);
  EXPECT_EQ(from(bookmarks, "a", scope, 200), -1);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 1)}));
  EXPECT_EQ(from(bookmarks, "a", scope, 100), -1);
  // A flow node change leaves an instance list alone.
  serve(bookmarks, "a", scope, 0, 100, 500);
  ChangedRow node = instance_row("m1", 1);
  node.table = ListTable::flow_nodes;
  bookmarks.end_change(bookmarks.begin_change({node}));
  EXPECT_EQ(from(bookmarks, "a", scope, 100), 100);
}

TEST(ListBookmarks, WhileAChangeIsInFlightItsListIsReadByOffsetAndNotBookmarked) {
  ListBookmarks bookmarks(8, 4, 0);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  const auto change = bookmarks.begin_change({instance_row("m1", 600)});
  EXPECT_EQ(from(bookmarks, "a", scope, 100), 100) << "the change lies after the key";
  // A page read while the change is in flight, ending after its row: not remembered.
  serve(bookmarks, "a", scope, 100, 200, 700);
  EXPECT_EQ(from(bookmarks, "a", scope, 200), -1);
  bookmarks.end_change(change);
  // A page read before the change ended but remembered after: not remembered either.
  ListBookmarks::Ticket ticket;
  bookmarks.find("a", scope, 100, ticket);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 650)}));
  bookmarks.remember(ticket, 200, RowKey{700, "row200"});
  EXPECT_EQ(from(bookmarks, "a", scope, 200), -1);
}

TEST(ListBookmarks, ForgettingAndDisablingEraseEverything) {
  ListBookmarks bookmarks(8, 4, 0);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  bookmarks.forget_all();
  EXPECT_EQ(from(bookmarks, "a", scope, 100), -1);
  // A page read before forget_all and remembered after it is not remembered.
  ListBookmarks::Ticket ticket;
  bookmarks.find("a", scope, 0, ticket);
  bookmarks.forget_all();
  bookmarks.remember(ticket, 100, RowKey{500, "row100"});
  EXPECT_EQ(from(bookmarks, "a", scope, 100), -1);
  serve(bookmarks, "a", scope, 0, 100, 500);
  EXPECT_EQ(from(bookmarks, "a", scope, 100), 100);
  bookmarks.set_enabled(false);
  serve(bookmarks, "a", scope, 0, 100, 500);
  EXPECT_EQ(from(bookmarks, "a", scope, 100), -1);
}

TEST(ListBookmarks, ListsAndBookmarksPerListAreBounded) {
  ListBookmarks bookmarks(2, 2, 0);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 100);
  serve(bookmarks, "a", scope, 100, 200, 200);
  serve(bookmarks, "a", scope, 200, 300, 300);
  EXPECT_EQ(from(bookmarks, "a", scope, 100), -1) << "the lowest position went";
  EXPECT_EQ(from(bookmarks, "a", scope, 300), 300);
  serve(bookmarks, "b", scope, 0, 100, 100);
  serve(bookmarks, "c", scope, 0, 100, 100);  // "a" was used before "b": it goes
  EXPECT_EQ(bookmarks.lists(), 2u);
  EXPECT_EQ(from(bookmarks, "c", scope, 100), 100);
  EXPECT_EQ(from(bookmarks, "a", scope, 300), -1);
}

}  // namespace
}  // namespace processhost::plugins::pg_store
