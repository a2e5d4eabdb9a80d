#include "store_sql.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>

namespace processhost::plugins::pg_store {
namespace sql {

const char* const kInstanceColumns =
    "id, process_model_id, process_model_hash, correlation_id, parent_process_instance_id, owner_user_id, "
    "owner_identity::text, state, error::text, version, created_at_ms, finished_at_ms, runtime_state::text";

const char* const kFlowNodeColumns =
    "id, process_instance_id, process_model_id, correlation_id, owner_user_id, flow_node_id, flow_node_name, "
    "flow_node_type, flow_node_lane, event_type, event_name, state, previous_flow_node_instance_id, "
    "token_on_enter::text, token_on_exit::text, error::text, created_at_ms, finished_at_ms";

#define PROCESSHOST_PG_EXTERNAL_TASK_COLUMNS(prefix)                                                            \
  prefix "id, " prefix "worker_id, " prefix "topic, " prefix "flow_node_instance_id, " prefix               \
         "correlation_id, " prefix "process_model_id, " prefix "process_instance_id, " prefix "payload::text, " \
  prefix "lock_expiration_ms, " prefix "state, " prefix "finished_at_ms, " prefix "result::text, " prefix      \
         "error::text, " prefix "created_at_ms, " prefix "owner_identity, " prefix "version"

// A change set is one statement: the instance statement, then one data-modifying CTE per
// kind of record the change set holds, each conditional on the instance statement: when the
// versioned update touched no row, the whole change set is a no-op and the statement returns
// 0 (a conflict). The insert of a new instance is a plain INSERT (no speculative insertion,
// which costs an extra index probe and WAL record per instance): an existing id fails it
// with a unique violation, which the store reports as the same conflict. One statement is one transaction in autocommit, so a
// transition costs a single round trip and a single commit. Kinds the change set does not
// hold are left out of the statement (most transitions write flow nodes only), so the server
// neither opens their tables and indexes nor parses empty arrays. Each part opens its CTE,
// the builder closes it; "{p}" stands for the part's parameter.
struct ChangeSetPart {
  char tag;
  const char* sql;
  // Completes the statement for records that may exist already (ON CONFLICT ... DO UPDATE).
  const char* upsert = "";
  // The records are new when the instance is: the first commit of an instance creates its
  // flow nodes, so its statement inserts them without the upsert (no speculative insertion).
  bool new_with_instance = false;
};

const ChangeSetPart kChangeSetParts[] = {
    {'n',
     "nodes AS ("
     " INSERT INTO processhost_flow_node_instances AS f (id, process_instance_id, process_model_id,"
     "  correlation_id, owner_user_id, flow_node_id, flow_node_name, flow_node_type, flow_node_lane, event_type,"
     "  event_name, state, previous_flow_node_instance_id, token_on_enter, token_on_exit, error, created_at_ms,"
     "  finished_at_ms)"
     " SELECT n.id, n.process_instance_id, n.process_model_id, n.correlation_id, n.owner_user_id, n.flow_node_id,"
     "  n.flow_node_name, n.flow_node_type, n.flow_node_lane, n.event_type, n.event_name, n.state,"
     "  n.previous_flow_node_instance_id, coalesce(n.token_on_enter, 'null'), coalesce(n.token_on_exit, 'null'),"
     "  coalesce(n.error, 'null'), n.created_at_ms, n.finished_at_ms"
     " FROM jsonb_to_recordset({p}::jsonb) AS n(id text, process_instance_id text, process_model_id text,"
     "  correlation_id text, owner_user_id text, flow_node_id text, flow_node_name text, flow_node_type text,"
     "  flow_node_lane text, event_type text, event_name text, state text, previous_flow_node_instance_id text,"
     "  token_on_enter jsonb, token_on_exit jsonb, error jsonb, created_at_ms bigint, finished_at_ms bigint)"
     " WHERE EXISTS (SELECT 1 FROM inst)",
     " ON CONFLICT (id) DO UPDATE SET process_instance_id = EXCLUDED.process_instance_id,"
     "  process_model_id = EXCLUDED.process_model_id, correlation_id = EXCLUDED.correlation_id,"
     "  owner_user_id = EXCLUDED.owner_user_id, flow_node_id = EXCLUDED.flow_node_id,"
     "  flow_node_name = EXCLUDED.flow_node_name, flow_node_type = EXCLUDED.flow_node_type,"
     "  flow_node_lane = EXCLUDED.flow_node_lane, event_type = EXCLUDED.event_type,"
     "  event_name = EXCLUDED.event_name, state = EXCLUDED.state,"
     "  previous_flow_node_instance_id = EXCLUDED.previous_flow_node_instance_id,"
     "  token_on_enter = EXCLUDED.token_on_enter, token_on_exit = EXCLUDED.token_on_exit, error = EXCLUDED.error,"
     "  created_at_ms = EXCLUDED.created_at_ms, finished_at_ms = EXCLUDED.finished_at_ms",
     true},
    {'a',
     "armed AS ("
     " INSERT INTO processhost_timers (id, process_instance_id, flow_node_instance_id, due_at_ms)"
     " SELECT t.id, t.process_instance_id, t.flow_node_instance_id, t.due_at_ms"
     " FROM jsonb_to_recordset({p}::jsonb) AS t(id text, process_instance_id text, flow_node_instance_id text,"
     "  due_at_ms bigint)"
     " WHERE EXISTS (SELECT 1 FROM inst)",
     " ON CONFLICT (id) DO UPDATE SET process_instance_id = EXCLUDED.process_instance_id,"
     "  flow_node_instance_id = EXCLUDED.flow_node_instance_id, due_at_ms = EXCLUDED.due_at_ms"},
    {'c',
     "cancelled AS ("
     " DELETE FROM processhost_timers"
     " WHERE id IN (SELECT jsonb_array_elements_text({p}::jsonb)) AND EXISTS (SELECT 1 FROM inst)"},
    {'r',
     "results AS ("
     " INSERT INTO processhost_correlation_results (correlation_id, process_model_id, process_instance_id,"
     "  end_event_id, end_event_lane, token_payload, created_at_ms)"
     " SELECT r.correlation_id, r.process_model_id, r.process_instance_id, r.end_event_id, r.end_event_lane,"
     "  coalesce(r.token_payload, 'null'), r.created_at_ms"
     " FROM jsonb_to_recordset({p}::jsonb) AS r(correlation_id text, process_model_id text,"
     "  process_instance_id text, end_event_id text, end_event_lane text, token_payload jsonb,"
     "  created_at_ms bigint)"
     " WHERE EXISTS (SELECT 1 FROM inst)"},
    {'x',
     "tasks AS ("
     " INSERT INTO processhost_external_tasks AS x (id, worker_id, topic, flow_node_instance_id, correlation_id,"
     "  process_model_id, process_instance_id, payload, lock_expiration_ms, state, finished_at_ms, result, error,"
     "  created_at_ms, owner_identity, version)"
     " SELECT e.id, e.worker_id, e.topic, e.flow_node_instance_id, e.correlation_id, e.process_model_id,"
     "  e.process_instance_id, coalesce(e.payload, 'null'), e.lock_expiration_ms, e.state, e.finished_at_ms,"
     "  CASE WHEN e.has_result THEN coalesce(e.result, 'null') END,"
     "  CASE WHEN e.has_error THEN coalesce(e.error, 'null') END, e.created_at_ms, e.owner_identity,"
     "  greatest(e.version, 1)"
     " FROM jsonb_to_recordset({p}::jsonb) AS e(id text, worker_id text, topic text, flow_node_instance_id text,"
     "  correlation_id text, process_model_id text, process_instance_id text, payload jsonb,"
     "  lock_expiration_ms bigint, state text, finished_at_ms bigint, has_result boolean, result jsonb,"
     "  has_error boolean, error jsonb, created_at_ms bigint, owner_identity text, version bigint)"
     " WHERE EXISTS (SELECT 1 FROM inst)",
     " ON CONFLICT (id) DO UPDATE SET worker_id = EXCLUDED.worker_id, topic = EXCLUDED.topic,"
     "  flow_node_instance_id = EXCLUDED.flow_node_instance_id, correlation_id = EXCLUDED.correlation_id,"
     "  process_model_id = EXCLUDED.process_model_id, process_instance_id = EXCLUDED.process_instance_id,"
     "  payload = EXCLUDED.payload, lock_expiration_ms = EXCLUDED.lock_expiration_ms, state = EXCLUDED.state,"
     "  finished_at_ms = EXCLUDED.finished_at_ms, result = EXCLUDED.result, error = EXCLUDED.error,"
     "  created_at_ms = EXCLUDED.created_at_ms, owner_identity = EXCLUDED.owner_identity,"
     "  version = x.version + 1"},
};

const char* const kCommitInsertHead =
    "WITH inst AS ("
    " INSERT INTO processhost_process_instances (id, process_model_id, process_model_hash, correlation_id,"
    "  parent_process_instance_id, owner_user_id, owner_identity, state, error, version, created_at_ms,"
    "  finished_at_ms, runtime_state)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $13::bigint + 1, $10, $11, $12::jsonb)"
    " RETURNING id"
    ")";

const char* const kCommitUpdateHead =
    "WITH inst AS ("
    " UPDATE processhost_process_instances SET process_model_id = $2, process_model_hash = $3,"
    "  correlation_id = $4, parent_process_instance_id = $5, owner_user_id = $6, owner_identity = $7::jsonb,"
    "  state = $8, error = $9::jsonb, version = $13::bigint + 1, created_at_ms = $10, finished_at_ms = $11,"
    "  runtime_state = $12::jsonb"
    " WHERE id = $1 AND version = $13::bigint RETURNING id"
    ")";


// Settles commits whose answer was lost: inserts each mark not there yet and returns those.
// A returned mark was not committed, and now never will be: its commit's own insert of the
// mark would conflict (a commit still in flight on the server is waited for by the unique
// index, then decides). A mark not returned was committed.
// "Committed" must also mean "on a synchronous standby": a server that was killed, or shut
// down, while a commit waited for its standby keeps that commit locally (PostgreSQL cancels
// the wait, the commit stays) and, restarted, shows its mark, although a failover may still
// promote a standby without it. So the fence always takes a transaction id
// (pg_current_xact_id): its own commit then writes a commit record and waits for the
// synchronous standby to confirm it, and WAL is confirmed in order, so every mark it found is
// on the standby too before the fence answers. When that wait is cut short again, the fence
// fails and runs again on whichever server is the primary then.
const Statement kFenceCommitMarks = {
    "fence_commit_marks",
    "WITH xact AS (SELECT pg_current_xact_id())"
    " INSERT INTO processhost_commit_marks (id) SELECT unnest($1::text[]) FROM xact"
    " ON CONFLICT (id) DO NOTHING RETURNING id"};

// Marks are ordered by time (their first 12 hex digits are the milliseconds of their commit):
// one range delete of the primary key removes the old ones.
const Statement kDeleteOldCommitMarks = {"delete_old_commit_marks", "DELETE FROM processhost_commit_marks WHERE id < $1"};

const Statement kClaimStartKey = {
    "claim_start_key",
    "INSERT INTO processhost_start_keys (start_key, process_instance_id, created_at_ms) VALUES ($1, $2, $3)"
    " ON CONFLICT (start_key) DO NOTHING RETURNING process_instance_id"};
const Statement kLoadStartKey = {"load_start_key",
                                 "SELECT process_instance_id FROM processhost_start_keys WHERE start_key = $1"};
const Statement kDeleteOldStartKeys = {"delete_old_start_keys",
                                       "DELETE FROM processhost_start_keys WHERE created_at_ms < $1"};

// A version kept for the instances of a deleted model, or one deployed before the model's
// latest, is deployed anew when saved again (it is the latest from then on); saving the latest
// again changes nothing.
const Statement kSaveDefinition = {
    "save_definition",
    "INSERT INTO processhost_process_definitions AS d (process_model_id, hash, xml, deployed_at_ms)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (process_model_id, hash) DO UPDATE"
    " SET deleted_at_ms = 0, deployed_at_ms = EXCLUDED.deployed_at_ms"
    " WHERE d.deleted_at_ms <> 0 OR d.deployed_at_ms < (SELECT max(l.deployed_at_ms)"
    "  FROM processhost_process_definitions l WHERE l.process_model_id = $1 AND l.deleted_at_ms = 0)"};

const Statement kLoadDefinitions = {
    "load_definitions",
    "SELECT process_model_id, hash, xml, deployed_at_ms, deleted_at_ms FROM processhost_process_definitions"
    " ORDER BY deployed_at_ms, process_model_id, hash"};

// One statement, so that it is atomic: versions no running instance runs go, the others stay
// marked deleted. Both parts see the same snapshot and touch disjoint rows. The instances are
// found through processhost_instances_by_model; 'running' is the SDK's word.
static_assert(name_of(ProcessInstanceState::running) == "running");
const Statement kDeleteDefinitions = {
    "delete_definitions",
    "WITH in_use AS (SELECT DISTINCT process_model_hash AS hash FROM processhost_process_instances"
    "  WHERE process_model_id = $1 AND state = 'running'),"
    " removed AS (DELETE FROM processhost_process_definitions"
    "  WHERE process_model_id = $1 AND hash NOT IN (SELECT hash FROM in_use))"
    " UPDATE processhost_process_definitions SET deleted_at_ms = $2"
    " WHERE process_model_id = $1 AND deleted_at_ms = 0 AND hash IN (SELECT hash FROM in_use)"};

const Statement kLoadInstance = {
    "load_instance",
    "SELECT id, process_model_id, process_model_hash, correlation_id, parent_process_instance_id, owner_user_id,"
    " owner_identity::text, state, error::text, version, created_at_ms, finished_at_ms, runtime_state::text"
    " FROM processhost_process_instances WHERE id = $1"};

const Statement kResultsByCorrelationAndModel = {
    "results_by_correlation_model",
    "SELECT correlation_id, process_model_id, process_instance_id, end_event_id, end_event_lane,"
    " token_payload::text, created_at_ms FROM processhost_correlation_results"
    " WHERE correlation_id = $1 AND process_model_id = $2 ORDER BY created_at_ms, seq"};

const Statement kResultsByCorrelation = {
    "results_by_correlation",
    "SELECT correlation_id, process_model_id, process_instance_id, end_event_id, end_event_lane,"
    " token_payload::text, created_at_ms FROM processhost_correlation_results"
    " WHERE correlation_id = $1 ORDER BY process_model_id, created_at_ms, seq"};

const Statement kDueTimers = {
    "due_timers",
    "SELECT id, process_instance_id, flow_node_instance_id, due_at_ms FROM processhost_timers"
    " WHERE due_at_ms <= $1 ORDER BY due_at_ms, id LIMIT $2"};

const Statement kNextTimerDue = {"next_timer_due", "SELECT min(due_at_ms) FROM processhost_timers"};

// SKIP LOCKED: workers polling the same topic take disjoint tasks instead of queueing.
// 'pending' is the SDK's word, as in the partial index this query uses.
static_assert(name_of(ExternalTaskState::pending) == "pending");
const Statement kLockExternalTasks = {
    "lock_external_tasks",
    "WITH picked AS ("
    " SELECT id FROM processhost_external_tasks"
    " WHERE state = 'pending' AND topic = $1 AND lock_expiration_ms <= $2"
    " ORDER BY created_at_ms, id LIMIT $3 FOR UPDATE SKIP LOCKED)"
    " UPDATE processhost_external_tasks t SET worker_id = $4, lock_expiration_ms = $5, version = t.version + 1"
    " FROM picked WHERE t.id = picked.id"
    " RETURNING " PROCESSHOST_PG_EXTERNAL_TASK_COLUMNS("t.")};

const Statement kLoadExternalTask = {
    "load_external_task",
    "SELECT " PROCESSHOST_PG_EXTERNAL_TASK_COLUMNS("") " FROM processhost_external_tasks WHERE id = $1"};

const Statement kUpdateExternalTask = {
    "update_external_task",
    "UPDATE processhost_external_tasks SET worker_id = $2, topic = $3, flow_node_instance_id = $4,"
    " correlation_id = $5, process_model_id = $6, process_instance_id = $7, payload = $8::jsonb,"
    " lock_expiration_ms = $9, state = $10, finished_at_ms = NULLIF($11::text, '')::bigint,"
    " result = NULLIF($12::text, '')::jsonb, error = NULLIF($13::text, '')::jsonb,"
    " created_at_ms = $14, owner_identity = $15, version = $16::bigint + 1"
    " WHERE id = $1 AND version = $16::bigint"};

#undef PROCESSHOST_PG_EXTERNAL_TASK_COLUMNS

}  // namespace sql

namespace {

class QueryShape {
 public:
  explicit QueryShape(std::string name) : name_(std::move(name)) {}

  void equals(const char* column, const std::string& value, char tag) {
    params_.push_back(value);
    add_condition(std::string(column) + " = $" + std::to_string(params_.size()), tag);
  }
  void literal(const char* column, std::string_view value, char tag) {
    add_condition(std::string(column) + " = '" + std::string(value) + "'", tag);
    name_ += value;
  }
  void condition(const std::string& text, char tag) { add_condition(text, tag); }
  std::string next_param(std::string value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }

  // A first page (forwards, nothing skipped) reads the ordered index and fetches each row
  // as it goes: the plain form, cheapest for the few rows such a page has, and the common
  // case (a task list, an instance's waiting nodes), so it is prepared (pg_store.cpp).
  //
  // A later page is cut from the index alone: the inner query reads only the ordered index
  // (created_at_ms, id and the filtered columns are in it, so the scan is index-only and an
  // OFFSET skips index entries, not table rows); the outer one then fetches the page's rows by
  // primary key, one lateral probe each (OFFSET 0 keeps the planner from turning it into a
  // join over the whole table). Backwards reads the index from its end, for pages nearer the
  // end than the start; the rows come back in ascending order either way.
  //
  // Limit and offset are written into the text (numbers, never caller text): the plan is
  // then made for them, even as the generic plan the sessions use (pg_session.cpp).
  //
  // A seek (after a bookmarked key, list_bookmarks.hpp) is the plain form from that key on:
  // the row comparison is an index condition of the (…, created_at_ms, id) indexes.
  BuiltQuery page(const char* columns, const char* table, const PageCut& cut) {
    const std::uint64_t limit = cut.limit;
    const std::uint64_t offset = cut.offset;
    const bool backwards = cut.backwards;
    const std::uint64_t no_limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const std::string limit_text = limit == 0 ? "ALL" : std::to_string(std::min(limit, no_limit));
    BuiltQuery query;
    query.params = params_;
    if (cut.after) {
      query.params.push_back(std::to_string(cut.after->created_at_ms));
      const std::string at = "$" + std::to_string(query.params.size());
      query.params.push_back(cut.after->id);
      const std::string id = "$" + std::to_string(query.params.size());
      const std::string seek = where_ + (where_.empty() ? " WHERE " : " AND ") + "(created_at_ms, id) > (" + at +
                               "::bigint, " + id + ") ORDER BY created_at_ms, id LIMIT " + limit_text;
      if (offset == 0) {
        query.sql = std::string("SELECT ") + columns + " FROM " + table + seek;
        query.name = name_ + "_after" + (limit == 0 ? "all" : limit_text);
        return query;
      }
      // A seek with a skip (a page near a bookmark, or placed by the kept counts): the skip
      // reads the index alone, as a later page does (below).
      query.sql = std::string("SELECT row.* FROM (SELECT id AS page_id FROM ") + table + seek + " OFFSET " +
                  std::to_string(std::min(offset, no_limit)) + ") AS page CROSS JOIN LATERAL (SELECT " + columns +
                  " FROM " + table + " WHERE id = page.page_id OFFSET 0) AS row ORDER BY row.created_at_ms, row.id";
      query.name = name_ + "_afterskip";
      return query;
    }
    if (!backwards && offset == 0) {
      query.sql = std::string("SELECT ") + columns + " FROM " + table + where_ + " ORDER BY created_at_ms, id LIMIT " +
                  limit_text;
      query.name = name_ + "_first" + (limit == 0 ? "all" : limit_text);
      return query;
    }
    const char* order = backwards ? " ORDER BY created_at_ms DESC, id DESC" : " ORDER BY created_at_ms, id";
    query.sql = std::string("SELECT row.* FROM (SELECT id AS page_id FROM ") + table + where_ + order;
    query.sql += " LIMIT " + limit_text + " OFFSET " + std::to_string(std::min(offset, no_limit));
    query.sql += std::string(") AS page CROSS JOIN LATERAL (SELECT ") + columns + " FROM " + table +
                 " WHERE id = page.page_id OFFSET 0) AS row ORDER BY row.created_at_ms, row.id";
    query.name = name_ + (backwards ? "_back" : "_page");
    return query;
  }
  BuiltQuery count(const char* table) {
    return {name_ + "_count", std::string("SELECT count(*) FROM ") + table + where_, params_};
  }
  std::string identity() const {
    std::string text = name_;
    for (const auto& param : params_) {
      text += '\0';
      text += param;
    }
    return text;
  }

 private:
  void add_condition(const std::string& text, char tag) {
    where_ += where_.empty() ? " WHERE " : " AND ";
    where_ += text;
    name_ += tag;
  }

  std::string name_;
  std::string where_;
  std::vector<std::string> params_;
};

QueryShape flow_node_shape(const FlowNodeQuery& query) {
  QueryShape shape("nodes_");
  // A state is one of few words: written into the SQL, so each gets its own plan and the
  // planner can use the partial indexes on state.
  if (query.state) shape.literal("state", name_of(*query.state), 'S');
  if (query.process_model_id) shape.equals("process_model_id", *query.process_model_id, 'm');
  if (query.process_instance_id) shape.equals("process_instance_id", *query.process_instance_id, 'i');
  if (query.correlation_id) shape.equals("correlation_id", *query.correlation_id, 'c');
  if (query.owner_user_id) shape.equals("owner_user_id", *query.owner_user_id, 'o');
  if (query.event_name) {
    shape.equals("event_name", *query.event_name, 'n');
    // Implies the predicate of processhost_waiting_events_by_name to the generic plan.
    if (!query.event_name->empty()) shape.condition("event_name <> ''", 'N');
  }
  if (query.event_type) shape.equals("event_type", *query.event_type, 'e');
  if (query.events_only) shape.condition("event_type <> ''", 'E');
  if (!query.flow_node_types.empty()) {
    const auto param = shape.next_param(pg_text_array(query.flow_node_types));
    shape.condition("flow_node_type = ANY(" + param + "::text[])", 't');
  }
  if (query.lanes) {
    const auto param = shape.next_param(pg_text_array(*query.lanes));
    shape.condition("(flow_node_lane = '' OR flow_node_lane = ANY(" + param + "::text[]))", 'l');
  }
  return shape;
}

QueryShape instance_shape(const InstanceQuery& query) {
  QueryShape shape("instances_");
  if (query.state) shape.literal("state", name_of(*query.state), 'S');
  if (query.correlation_id) shape.equals("correlation_id", *query.correlation_id, 'c');
  if (query.process_model_id) shape.equals("process_model_id", *query.process_model_id, 'm');
  if (query.owner_user_id) shape.equals("owner_user_id", *query.owner_user_id, 'o');
  return shape;
}

}  // namespace

std::string pg_text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

BuiltQuery build_flow_node_query(const FlowNodeQuery& query, const PageCut& cut) {
  return flow_node_shape(query).page(sql::kFlowNodeColumns, "processhost_flow_node_instances", cut);
}

BuiltQuery build_flow_node_count(const FlowNodeQuery& query) {
  return flow_node_shape(query).count("processhost_flow_node_instances");
}

BuiltQuery build_instance_query(const InstanceQuery& query, const PageCut& cut) {
  return instance_shape(query).page(sql::kInstanceColumns, "processhost_process_instances", cut);
}

PageCut forward_cut(const PageRequest& page) { return {page.limit, page.offset, false, std::nullopt}; }

std::optional<PageCut> cut_with_total(const PageRequest& page, std::uint64_t total) {
  if (page.offset >= total) return std::nullopt;
  const std::uint64_t remaining = total - page.offset;
  const std::uint64_t take = page.limit == 0 ? remaining : std::min<std::uint64_t>(page.limit, remaining);
  // From the end when fewer index entries lie after the page than before it.
  if (remaining - take < page.offset) return PageCut{take, remaining - take, true, std::nullopt};
  return PageCut{take, page.offset, false, std::nullopt};
}

BuiltQuery build_instance_count(const InstanceQuery& query) {
  return instance_shape(query).count("processhost_process_instances");
}

std::string list_identity(const FlowNodeQuery& query) { return flow_node_shape(query).identity(); }
std::string list_identity(const InstanceQuery& query) { return instance_shape(query).identity(); }

BuiltQuery build_commit(bool insert, std::vector<std::string> params, std::string mark) {
  constexpr std::size_t kInstanceParams = 13;
  BuiltQuery query;
  query.name = insert ? "commit_insert_" : "commit_update_";
  query.sql = insert ? sql::kCommitInsertHead : sql::kCommitUpdateHead;
  query.params.reserve(params.size());
  for (std::size_t i = 0; i < kInstanceParams && i < params.size(); ++i) query.params.push_back(std::move(params[i]));
  for (std::size_t part = 0; part < std::size(sql::kChangeSetParts); ++part) {
    const std::size_t index = kInstanceParams + part;
    if (index >= params.size() || params[index] == "[]") continue;
    query.params.push_back(std::move(params[index]));
    const auto& shape = sql::kChangeSetParts[part];
    std::string text = shape.sql;
    text.replace(text.find("{p}"), 3, "$" + std::to_string(query.params.size()));
    if (!(insert && shape.new_with_instance)) text += shape.upsert;
    query.name += shape.tag;
    query.sql += ", ";
    query.sql += text;
    query.sql += ")";
  }
  if (!mark.empty()) {
    // The commit mark: written only when the change set applies, so a mark found after a
    // lost answer means "committed", and none means "not applied" (docs/cluster.md).
    query.params.push_back(std::move(mark));
    query.name += 'm';
    query.sql += ", mark AS (INSERT INTO processhost_commit_marks (id) SELECT $" + std::to_string(query.params.size()) +
                 " WHERE EXISTS (SELECT 1 FROM inst))";
  }
  query.sql += " SELECT count(*) FROM inst";
  return query;
}

}  // namespace processhost::plugins::pg_store
