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

std::optional<RowKey> lookup(ListBookmarks& bookmarks, const std::string& list, const ListScope& scope,
                             std::size_t offset) {
  ListBookmarks::Ticket ticket;
  return bookmarks.find(list, scope, offset, ticket);
}

TEST(ListBookmarks, APageServedLeavesABookmarkAtItsEndForTheSameListOnly) {
  ListBookmarks bookmarks(8, 4);
  serve(bookmarks, "a", model_scope("m1"), 0, 100, 500);
  const auto found = lookup(bookmarks, "a", model_scope("m1"), 100);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->created_at_ms, 500);
  EXPECT_EQ(found->id, "row100");
  EXPECT_FALSE(lookup(bookmarks, "a", model_scope("m1"), 200));
  EXPECT_FALSE(lookup(bookmarks, "b", model_scope("m1"), 100));
  EXPECT_EQ(bookmarks.seeks(), 1u);
}

TEST(ListBookmarks, AChangeAtOrBeforeTheKeyErasesItALaterOneOrAnotherModelsDoesNot) {
  ListBookmarks bookmarks(8, 4);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  serve(bookmarks, "a", scope, 100, 200, 900);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 901)}));  // after both keys
  bookmarks.end_change(bookmarks.begin_change({instance_row("m2", 10)}));   // another model's list
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100));
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 200));
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 900)}));  // the second key's millisecond
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100));
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 200));
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 1)}));
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100));
  // A flow node change leaves an instance list alone.
  serve(bookmarks, "a", scope, 0, 100, 500);
  ChangedRow node = instance_row("m1", 1);
  node.table = ListTable::flow_nodes;
  bookmarks.end_change(bookmarks.begin_change({node}));
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100));
}

TEST(ListBookmarks, WhileAChangeIsInFlightItsListIsReadByOffsetAndNotBookmarked) {
  ListBookmarks bookmarks(8, 4);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  const auto change = bookmarks.begin_change({instance_row("m1", 600)});
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100)) << "the change lies after the key";
  // A page read while the change is in flight, ending after its row: not remembered.
  serve(bookmarks, "a", scope, 100, 200, 700);
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 200));
  bookmarks.end_change(change);
  // A page read before the change ended but remembered after: not remembered either.
  ListBookmarks::Ticket ticket;
  bookmarks.find("a", scope, 100, ticket);
  bookmarks.end_change(bookmarks.begin_change({instance_row("m1", 650)}));
  bookmarks.remember(ticket, 200, RowKey{700, "row200"});
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 200));
}

TEST(ListBookmarks, OtherHostsRetentionAndDisablingEraseEverything) {
  ListBookmarks bookmarks(8, 4);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 500);
  bookmarks.forget_all();
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100));
  serve(bookmarks, "a", scope, 0, 100, 500);
  const auto retention = bookmarks.begin_change({}, true);
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100)) << "none is used while retention runs";
  serve(bookmarks, "a", scope, 0, 100, 500);
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100)) << "nothing is bookmarked while retention runs";
  bookmarks.end_change(retention);
  serve(bookmarks, "a", scope, 0, 100, 500);
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100));
  // A retention round that removed nothing leaves the bookmarks.
  bookmarks.end_change(bookmarks.begin_change({}, true), false);
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 100));
  bookmarks.set_enabled(false);
  serve(bookmarks, "a", scope, 0, 100, 500);
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100));
}

TEST(ListBookmarks, ListsAndBookmarksPerListAreBounded) {
  ListBookmarks bookmarks(2, 2);
  const auto scope = model_scope("m1");
  serve(bookmarks, "a", scope, 0, 100, 100);
  serve(bookmarks, "a", scope, 100, 200, 200);
  serve(bookmarks, "a", scope, 200, 300, 300);
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 100)) << "the lowest position went";
  EXPECT_TRUE(lookup(bookmarks, "a", scope, 300));
  serve(bookmarks, "b", scope, 0, 100, 100);
  serve(bookmarks, "c", scope, 0, 100, 100);  // "a" was used before "b": it goes
  EXPECT_EQ(bookmarks.lists(), 2u);
  EXPECT_TRUE(lookup(bookmarks, "c", scope, 100));
  EXPECT_FALSE(lookup(bookmarks, "a", scope, 300));
}

}  // namespace
}  // namespace processhost::plugins::pg_store
