#pragma once
// Bookmarks of list pages: the key of the last row of pages recently served, so that the next
// page of a client paging through a list (offset 0, 100, 200, ...) is a seek from that key
// instead of an OFFSET that skips every earlier index entry.
//
// A bookmark says "in list L, the row at position p - 1 has key K" (key: created_at_ms, id;
// for a correlation list, the key of the correlation's first matching instance). It answers
// a request for L at offset p exactly as OFFSET p would, as long as no row of L was inserted
// or removed at or before K since the page that made it was read; a row entering or leaving L
// (a task finished, an instance ended) counts as both. So a bookmark is used only while:
// - no change that may touch L at or before K has been committed since (a local commit
//   erases the bookmarks at or after its rows' keys, in every list whose filters its rows may
//   meet, when it is sent and again when its transaction has ended), and no local commit that
//   may do so is in flight;
// - no other host has committed anything since (any hint erases every bookmark, as does a
//   missed-hints notice, and with hints turned off bookmarks are not used at all: nothing
//   would tell of other hosts' commits);
// - history retention has not removed instances since (a round that removes some erases
//   every bookmark once it has committed).
// A new instance or task lies after every existing key (its created_at_ms is now), so the
// commits of running flows leave the bookmarks of a page-through alone; a finished task in
// the middle of the list erases the bookmarks behind it, and the next page is an OFFSET again.
// Rows are compared by created_at_ms only (ids sort by the database's collation): a change
// in the same millisecond as a bookmark erases it.
//
// A request at an offset a little past a bookmark (at most max_skip rows) is read from that
// bookmark, skipping the rest: a page whose own bookmark was not made (a change was in
// flight while the page before it was read) still costs only a short skip.
//
// The one difference from OFFSET: another host's commit, or a retention round's removal,
// that lands between the store's reading a page and hearing of it (the hint's few
// milliseconds; the retention statement's end) may be answered as a continuation from the
// bookmark (the rows after the last one served) rather than the rows at that offset in the
// new snapshot. docs/persistence.md, "Bookmarks".
//
// Bounded: at most max_lists lists (least recently used go), per_list bookmarks each (the
// lowest positions go). Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "processhost/services/store.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

enum class ListTable { instances, flow_nodes };

// Which rows a list may hold, by the columns a changed row tells (other filters, such as
// states, task kinds and lanes, are taken to match: a change that might belong counts).
struct ListScope {
  ListTable table = ListTable::instances;
  std::optional<std::string> process_model_id;
  std::optional<std::string> process_instance_id;
  std::optional<std::string> correlation_id;
  std::optional<std::string> owner_user_id;
};

// A row a commit writes (inserted, changed or deleted).
struct ChangedRow {
  ListTable table = ListTable::instances;
  std::int64_t created_at_ms = 0;
  std::string process_model_id;
  std::string process_instance_id;
  std::string correlation_id;
  std::string owner_user_id;
};

// The rows of a change set: its instance and its flow node instances.
std::vector<ChangedRow> changed_rows(const ChangeSet& changes);

class ListBookmarks {
 public:
  // Taken by find() before a page is read; remember() records only when nothing that may
  // touch the list happened in between.
  struct Ticket {
    std::string list;
    std::uint64_t entry = 0;
    std::uint64_t generation = 0;
  };

  ListBookmarks(std::size_t max_lists, std::size_t per_list, std::size_t max_skip = 1000);

  void set_enabled(bool enabled);
  // A valid bookmark: the row at position - 1 of its list has key.
  struct Bookmark {
    std::size_t position = 0;
    RowKey key;
  };
  // The valid bookmark of list nearest below or at offset, at most max_skip before it (the
  // page is then read from its key, skipping offset - position rows).
  std::optional<Bookmark> find(const std::string& list, const ListScope& scope, std::size_t offset, Ticket& ticket);
  // After a page read under ticket: the row at position - 1 has key.
  void remember(const Ticket& ticket, std::size_t position, RowKey key);
  // A commit is sent (its rows' bookmarks go) / has ended, committed or not (they go again).
  std::uint64_t begin_change(std::vector<ChangedRow> rows);
  void end_change(std::uint64_t change);
  // Another host committed, hints were missed, or history retention removed instances.
  void forget_all();

  std::size_t lists() const;
  // How many times find() returned a bookmark (pages read by a seek), for tests and operators.
  std::uint64_t seeks() const;

 private:
  struct Entry {
    ListScope scope;
    std::uint64_t serial = 0;
    std::uint64_t generation = 0;
    std::uint64_t last_use = 0;
    std::map<std::size_t, RowKey> bookmarks;  // position -> key of the row before it
  };
  struct Change {
    std::vector<ChangedRow> rows;
  };

  static bool meets(const ListScope& scope, const ChangedRow& row);
  // The earliest created_at_ms among the rows of pending changes that may touch scope.
  std::optional<std::int64_t> earliest_pending(const ListScope& scope) const;
  void apply(const Change& change);

  const std::size_t max_lists_;
  const std::size_t per_list_;
  const std::size_t max_skip_;
  mutable std::mutex mutex_;
  bool enabled_ = true;
  std::uint64_t next_serial_ = 1;
  std::uint64_t clock_ = 0;
  std::uint64_t next_change_ = 1;
  std::uint64_t seeks_ = 0;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::uint64_t, Change> pending_;
};

}  // namespace processhost::plugins::pg_store
