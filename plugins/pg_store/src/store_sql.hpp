#pragma once
// The SQL of pg_store: fixed prepared statements and the builders of list queries.
//
// List queries are built per shape (which filters are set), with plain "column = $n"
// conditions, so the planner picks the index for that shape; counts are prepared per shape,
// pages are planned per call (pg_store.cpp, read_page). Known state values are inlined as
// literals so the partial indexes (state = 'suspended') apply. docs/persistence.md, "Lists".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

struct Statement {
  const char* name;
  const char* sql;
};

// A list query: name and sql identify the shape, params are this call's values.
struct BuiltQuery {
  std::string name;
  std::string sql;
  std::vector<std::string> params;
};

namespace sql {

extern const Statement kSaveDefinition;
extern const Statement kLoadDefinitions;
extern const Statement kDeleteDefinitions;
extern const Statement kLoadInstance;
extern const Statement kResultsByCorrelationAndModel;
extern const Statement kResultsByCorrelation;
extern const Statement kDueTimers;
extern const Statement kNextTimerDue;
extern const Statement kLockExternalTasks;
extern const Statement kLoadExternalTask;
extern const Statement kUpdateExternalTask;
extern const Statement kFenceCommitMarks;
extern const Statement kDeleteOldCommitMarks;
extern const Statement kClaimStartKey;
extern const Statement kLoadStartKey;
extern const Statement kDeleteOldStartKeys;

// Column lists of the row decoders (record_codec.hpp).
extern const char* const kInstanceColumns;
extern const char* const kFlowNodeColumns;

}  // namespace sql

// A row's place in a list's order (created_at_ms, then id).
struct RowKey {
  std::int64_t created_at_ms = 0;
  std::string id;
};

// Which index entries a page query reads: limit (0 = all) after skipping offset, from the
// start of the order or, backwards, from its end; or, with after, the limit entries that
// follow that key (a seek: offset is then 0, list_bookmarks.hpp).
struct PageCut {
  std::uint64_t limit = 0;
  std::uint64_t offset = 0;
  bool backwards = false;
  std::optional<RowKey> after;
};

// The page as the request asks for it, from the start.
PageCut forward_cut(const PageRequest& page);
// The page once the total is known: nullopt past the end; a page in the second half of
// the order is read backwards from the end, so that the last page skips few entries.
std::optional<PageCut> cut_with_total(const PageRequest& page, std::uint64_t total);

// The page's rows in (created_at_ms, id) order, as the query filters them and cut cuts them.
BuiltQuery build_flow_node_query(const FlowNodeQuery& query, const PageCut& cut);
BuiltQuery build_instance_query(const InstanceQuery& query, const PageCut& cut);
// The same filters without paging: SELECT count(*), which the covering indexes answer
// from the index alone.
BuiltQuery build_flow_node_count(const FlowNodeQuery& query);
BuiltQuery build_instance_count(const InstanceQuery& query);
// A list's identity for its bookmarks: the shape's name and its filter values.
std::string list_identity(const FlowNodeQuery& query);
std::string list_identity(const InstanceQuery& query);

// The statement of one change set (record_codec.hpp's change_set_params: the 13 instance
// parameters, then one JSON array per kind of record), as an insert of a new instance or an
// update of the instance at its expected version. Kinds whose array is empty are left out;
// the statement returns one row, one column: 1 when the change set was applied, 0 when the
// instance already existed (insert) or is no longer at the expected version (update).
// A non-empty mark is recorded in processhost_commit_marks when the change set applies, in
// the same transaction (docs/cluster.md, "Failover"); it is the statement's last parameter.
BuiltQuery build_commit(bool insert, std::vector<std::string> params, std::string mark = {});

// A PostgreSQL text[] literal: {"a","b"}.
std::string pg_text_array(const std::vector<std::string>& values);

}  // namespace processhost::plugins::pg_store
