#include "schema_migrations.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "processhost/states.hpp"

namespace processhost::plugins::pg_store {
namespace {

// Flow node instances double as the waiting-task projection: the partial indexes on
// state = 'suspended' serve every Consumer API list query (all, by model, instance,
// correlation, owner; events by name) in created_at order, so type and lane filters only
// discard rows of an already small, ordered set.
// Migrations never change once released, so their partial indexes spell states as words;
// these words must stay the SDK's (processhost/states.hpp).
static_assert(name_of(ProcessInstanceState::running) == "running");
static_assert(name_of(FlowNodeState::suspended) == "suspended");
static_assert(name_of(ExternalTaskState::pending) == "pending");

constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE processhost_process_definitions (
  process_model_id text NOT NULL,
  hash text NOT NULL,
  xml text NOT NULL,
  deployed_at_ms bigint NOT NULL,
  PRIMARY KEY (process_model_id, hash)
);

CREATE TABLE processhost_process_instances (
  id text PRIMARY KEY,
  process_model_id text NOT NULL,
  process_model_hash text NOT NULL,
  correlation_id text NOT NULL,
  parent_process_instance_id text NOT NULL,
  owner_user_id text NOT NULL,
  owner_identity jsonb NOT NULL,
  state text NOT NULL,
  error jsonb NOT NULL,
  version bigint NOT NULL,
  created_at_ms bigint NOT NULL,
  finished_at_ms bigint NOT NULL,
  runtime_state jsonb NOT NULL
);
CREATE INDEX processhost_instances_by_created ON processhost_process_instances (created_at_ms, id);
CREATE INDEX processhost_instances_running ON processhost_process_instances (created_at_ms, id)
  WHERE state = 'running';
CREATE INDEX processhost_instances_by_correlation ON processhost_process_instances (correlation_id, created_at_ms, id);
CREATE INDEX processhost_instances_by_model ON processhost_process_instances (process_model_id, created_at_ms, id);
CREATE INDEX processhost_instances_by_owner ON processhost_process_instances (owner_user_id, created_at_ms, id);

CREATE TABLE processhost_flow_node_instances (
  id text PRIMARY KEY,
  process_instance_id text NOT NULL,
  process_model_id text NOT NULL,
  correlation_id text NOT NULL,
  owner_user_id text NOT NULL,
  flow_node_id text NOT NULL,
  flow_node_name text NOT NULL,
  flow_node_type text NOT NULL,
  flow_node_lane text NOT NULL,
  event_type text NOT NULL,
  event_name text NOT NULL,
  state text NOT NULL,
  previous_flow_node_instance_id text NOT NULL,
  token_on_enter jsonb NOT NULL,
  token_on_exit jsonb NOT NULL,
  error jsonb NOT NULL,
  created_at_ms bigint NOT NULL,
  finished_at_ms bigint NOT NULL
);
CREATE INDEX processhost_nodes_by_instance ON processhost_flow_node_instances (process_instance_id, created_at_ms, id);
CREATE INDEX processhost_waiting_all ON processhost_flow_node_instances (created_at_ms, id)
  WHERE state = 'suspended';
CREATE INDEX processhost_waiting_by_model ON processhost_flow_node_instances (process_model_id, created_at_ms, id)
  WHERE state = 'suspended';
CREATE INDEX processhost_waiting_by_instance ON processhost_flow_node_instances (process_instance_id, created_at_ms, id)
  WHERE state = 'suspended';
CREATE INDEX processhost_waiting_by_correlation ON processhost_flow_node_instances (correlation_id, created_at_ms, id)
  WHERE state = 'suspended';
CREATE INDEX processhost_waiting_by_owner ON processhost_flow_node_instances (owner_user_id, created_at_ms, id)
  WHERE state = 'suspended';
CREATE INDEX processhost_waiting_events_by_name ON processhost_flow_node_instances (event_name, created_at_ms, id)
  WHERE state = 'suspended';

CREATE TABLE processhost_timers (
  id text PRIMARY KEY,
  process_instance_id text NOT NULL,
  flow_node_instance_id text NOT NULL,
  due_at_ms bigint NOT NULL
);
CREATE INDEX processhost_timers_by_due ON processhost_timers (due_at_ms, id);

CREATE TABLE processhost_correlation_results (
  seq bigserial PRIMARY KEY,
  correlation_id text NOT NULL,
  process_model_id text NOT NULL,
  process_instance_id text NOT NULL,
  end_event_id text NOT NULL,
  end_event_lane text NOT NULL,
  token_payload jsonb NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE INDEX processhost_results_by_correlation
  ON processhost_correlation_results (correlation_id, process_model_id, created_at_ms, seq);

CREATE TABLE processhost_external_tasks (
  id text PRIMARY KEY,
  worker_id text NOT NULL,
  topic text NOT NULL,
  flow_node_instance_id text NOT NULL,
  correlation_id text NOT NULL,
  process_model_id text NOT NULL,
  process_instance_id text NOT NULL,
  payload jsonb NOT NULL,
  lock_expiration_ms bigint NOT NULL,
  state text NOT NULL,
  finished_at_ms bigint,
  result jsonb,
  error jsonb,
  created_at_ms bigint NOT NULL,
  owner_identity text NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX processhost_external_tasks_pending ON processhost_external_tasks (topic, created_at_ms, id)
  WHERE state = 'pending';
)sql";

// Fewer index entries per transition. A waiting task by instance is served by
// processhost_nodes_by_instance (an instance has few flow nodes), so its partial copy goes.
// Waiting events by name index only events (event_name <> ''): user tasks, the most frequent
// waiting nodes, no longer add an entry there. Instance rows keep free space on their page
// so that transitions which leave every indexed column alone are HOT updates.
constexpr std::string_view kLeanerIndexes = R"sql(
DROP INDEX processhost_waiting_by_instance;
DROP INDEX processhost_waiting_events_by_name;
CREATE INDEX processhost_waiting_events_by_name ON processhost_flow_node_instances (event_name, created_at_ms, id)
  WHERE state = 'suspended' AND event_name <> '';
ALTER TABLE processhost_process_instances SET (fillfactor = 80);
)sql";

// Deleting a model keeps the versions its running instances still run, marked deleted.
constexpr std::string_view kDeletedDefinitions = R"sql(
ALTER TABLE processhost_process_definitions ADD COLUMN deleted_at_ms bigint NOT NULL DEFAULT 0;
)sql";

// Lists that scale: every list page is cut and counted from an index alone (index-only
// scans), so a count or a deep OFFSET reads index entries, not table rows. The waiting-node
// indexes carry the columns the list filters test besides their keys (the task kind, the
// lane for access control, the event type; the model within a correlation). The instances
// get one index by state (the running-only one goes: the Management API lists every
// state), and the owner's index carries the state (own instances are the running ones).
// Rebuilt in the migration's transaction: existing databases get them on their first
// start with this version (which holds writes to the tables while they build).
constexpr std::string_view kCoveringListIndexes = R"sql(
DROP INDEX processhost_waiting_all;
CREATE INDEX processhost_waiting_all ON processhost_flow_node_instances (created_at_ms, id)
  INCLUDE (flow_node_type, flow_node_lane, event_type) WHERE state = 'suspended';
DROP INDEX processhost_waiting_by_model;
CREATE INDEX processhost_waiting_by_model ON processhost_flow_node_instances (process_model_id, created_at_ms, id)
  INCLUDE (flow_node_type, flow_node_lane, event_type) WHERE state = 'suspended';
DROP INDEX processhost_waiting_by_correlation;
CREATE INDEX processhost_waiting_by_correlation
  ON processhost_flow_node_instances (correlation_id, created_at_ms, id)
  INCLUDE (process_model_id, flow_node_type, flow_node_lane, event_type) WHERE state = 'suspended';
DROP INDEX processhost_waiting_by_owner;
CREATE INDEX processhost_waiting_by_owner ON processhost_flow_node_instances (owner_user_id, created_at_ms, id)
  INCLUDE (flow_node_type, flow_node_lane, event_type) WHERE state = 'suspended';
DROP INDEX processhost_instances_running;
CREATE INDEX processhost_instances_by_state ON processhost_process_instances (state, created_at_ms, id);
DROP INDEX processhost_instances_by_owner;
CREATE INDEX processhost_instances_by_owner ON processhost_process_instances (owner_user_id, created_at_ms, id)
  INCLUDE (state);
)sql";

// History: the cron execution history, and the indexes that keep history retention and the
// run-time aggregates cheap. Retention finds expired instances through
// processhost_instances_ended (only ended rows, in finish order) and deletes each one's rows
// of the other tables through an index on process_instance_id. The run-time aggregates read
// processhost_nodes_finished_by_model alone (index-only: the two times are included).
// Independent of every earlier migration but 1.
constexpr std::string_view kHistory = R"sql(
CREATE TABLE processhost_cronjob_history (
  seq bigserial PRIMARY KEY,
  process_model_id text NOT NULL,
  start_event_id text NOT NULL,
  crontab text NOT NULL,
  process_instance_id text NOT NULL,
  executed_at_ms bigint NOT NULL
);
CREATE INDEX processhost_cron_history_by_model
  ON processhost_cronjob_history (process_model_id, start_event_id, executed_at_ms, seq);
CREATE INDEX processhost_cron_history_by_crontab ON processhost_cronjob_history (crontab, executed_at_ms, seq);
CREATE INDEX processhost_cron_history_by_instance ON processhost_cronjob_history (process_instance_id);

CREATE INDEX processhost_instances_ended ON processhost_process_instances (finished_at_ms, id)
  WHERE state <> 'running';
CREATE INDEX processhost_results_by_instance ON processhost_correlation_results (process_instance_id);
CREATE INDEX processhost_timers_by_instance ON processhost_timers (process_instance_id);
CREATE INDEX processhost_external_tasks_by_instance ON processhost_external_tasks (process_instance_id);
CREATE INDEX processhost_nodes_finished_by_model
  ON processhost_flow_node_instances (process_model_id, flow_node_id) INCLUDE (created_at_ms, finished_at_ms)
  WHERE state = 'finished';
)sql";
static_assert(name_of(FlowNodeState::finished) == "finished");

// Several hosts on one database. Timers carry a lease: a host claims a due timer (FOR UPDATE
// SKIP LOCKED) until lease_until_ms, and no other host claims it before then; claimed_by names
// the host, for operators. Both columns have constant defaults: adding them rewrites no row.
// Cron ticks are claimed by inserting a row under the (model, start event, tick) key: the
// first host's insert wins and starts the instance. Old claims go by tick time.
constexpr std::string_view kClusterClaims = R"sql(
ALTER TABLE processhost_timers ADD COLUMN lease_until_ms bigint NOT NULL DEFAULT 0,
  ADD COLUMN claimed_by text NOT NULL DEFAULT '';
CREATE TABLE processhost_cron_claims (
  process_model_id text NOT NULL,
  start_event_id text NOT NULL,
  tick_ms bigint NOT NULL,
  claimed_by text NOT NULL,
  claimed_at_ms bigint NOT NULL,
  PRIMARY KEY (process_model_id, start_event_id, tick_ms)
);
CREATE INDEX processhost_cron_claims_by_tick ON processhost_cron_claims (tick_ms);
)sql";
// Kept counts, and two indexes fewer on the commit path. A counted list's total comes from
// counts the commits keep (triggers), not from counting a million index entries per page:
// processhost_instance_counts per model and state, processhost_waiting_counts per model,
// task kind, lane and event type of the waiting (suspended) flow nodes. Each backend adds
// to rows of its own (shard = its pid), so concurrent commits never wait for one another on
// a count and cannot deadlock on them; shard 0 holds what pg_store folds in from backends
// that are gone (fold_kept_counts). Triggers fire only when a counted value changes (WHEN),
// so most flow node writes cost nothing more. The existing rows are counted once here.
//
// Retention finds expired instances through processhost_instances_by_state instead of an
// index of its own, and the run-time aggregates read a model's finished flow nodes through
// its instances (processhost_instances_by_model, processhost_nodes_by_instance): both are
// operator reads, where an index more cost every instance two (or three) index entries.
constexpr std::string_view kKeptCounts = R"sql(
DROP INDEX IF EXISTS processhost_instances_ended;
DROP INDEX IF EXISTS processhost_nodes_finished_by_model;

CREATE TABLE processhost_instance_counts (
  process_model_id text NOT NULL,
  state text NOT NULL,
  shard integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (process_model_id, state, shard)
);
CREATE TABLE processhost_waiting_counts (
  process_model_id text NOT NULL,
  flow_node_type text NOT NULL,
  flow_node_lane text NOT NULL,
  event_type text NOT NULL,
  shard integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (process_model_id, flow_node_type, flow_node_lane, event_type, shard)
);

CREATE FUNCTION processhost_count_instance() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO processhost_instance_counts AS c VALUES (OLD.process_model_id, OLD.state, pg_backend_pid(), -1)
      ON CONFLICT (process_model_id, state, shard) DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO processhost_instance_counts AS c VALUES (NEW.process_model_id, NEW.state, pg_backend_pid(), 1)
      ON CONFLICT (process_model_id, state, shard) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER processhost_count_instance_insert AFTER INSERT ON processhost_process_instances
  FOR EACH ROW EXECUTE FUNCTION processhost_count_instance();
CREATE TRIGGER processhost_count_instance_update AFTER UPDATE ON processhost_process_instances
  FOR EACH ROW WHEN (OLD.state <> NEW.state OR OLD.process_model_id <> NEW.process_model_id)
  EXECUTE FUNCTION processhost_count_instance();
CREATE TRIGGER processhost_count_instance_delete AFTER DELETE ON processhost_process_instances
  FOR EACH ROW EXECUTE FUNCTION processhost_count_instance();

CREATE FUNCTION processhost_count_waiting() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.state = 'suspended' THEN
    INSERT INTO processhost_waiting_counts AS c
      VALUES (OLD.process_model_id, OLD.flow_node_type, OLD.flow_node_lane, OLD.event_type, pg_backend_pid(), -1)
      ON CONFLICT (process_model_id, flow_node_type, flow_node_lane, event_type, shard) DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.state = 'suspended' THEN
    INSERT INTO processhost_waiting_counts AS c
      VALUES (NEW.process_model_id, NEW.flow_node_type, NEW.flow_node_lane, NEW.event_type, pg_backend_pid(), 1)
      ON CONFLICT (process_model_id, flow_node_type, flow_node_lane, event_type, shard) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER processhost_count_waiting_insert AFTER INSERT ON processhost_flow_node_instances
  FOR EACH ROW WHEN (NEW.state = 'suspended') EXECUTE FUNCTION processhost_count_waiting();
CREATE TRIGGER processhost_count_waiting_update AFTER UPDATE ON processhost_flow_node_instances
  FOR EACH ROW WHEN ((OLD.state = 'suspended' OR NEW.state = 'suspended') AND
                     (OLD.state, OLD.process_model_id, OLD.flow_node_type, OLD.flow_node_lane, OLD.event_type)
                     IS DISTINCT FROM
                     (NEW.state, NEW.process_model_id, NEW.flow_node_type, NEW.flow_node_lane, NEW.event_type))
  EXECUTE FUNCTION processhost_count_waiting();
CREATE TRIGGER processhost_count_waiting_delete AFTER DELETE ON processhost_flow_node_instances
  FOR EACH ROW WHEN (OLD.state = 'suspended') EXECUTE FUNCTION processhost_count_waiting();

INSERT INTO processhost_instance_counts
  SELECT process_model_id, state, 0, count(*) FROM processhost_process_instances GROUP BY 1, 2;
INSERT INTO processhost_waiting_counts
  SELECT process_model_id, flow_node_type, flow_node_lane, event_type, 0, count(*)
  FROM processhost_flow_node_instances WHERE state = 'suspended' GROUP BY 1, 2, 3, 4;
)sql";
static_assert(name_of(FlowNodeState::suspended) == "suspended");
// Failover. Commit marks: the id of every change set committed, written in its own
// transaction, so that a commit whose answer was lost (the connection broke during COMMIT,
// the primary failed over) is settled after reconnecting; a settled-as-lost mark is
// inserted too and so fences off a late commit of the same change set. Ids begin with the
// commit's time in hex, so the periodic cleanup is one range delete of the primary key.
// Start keys: the Idempotency-Key of a start (with its user and model) and the instance it
// started, so a retried start answers that instance; kept for a day.
constexpr std::string_view kFailover = R"sql(
CREATE TABLE processhost_commit_marks (
  id text COLLATE "C" PRIMARY KEY
);
CREATE TABLE processhost_start_keys (
  start_key text PRIMARY KEY,
  process_instance_id text NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE INDEX processhost_start_keys_by_age ON processhost_start_keys (created_at_ms);
)sql";

// Kept correlation counts: the totals of the Management API's correlation lists (every
// correlation, the active ones, a model's) without counting distinct correlation ids among a
// million instances. They ride on the instance counts of version 9 (so this migration comes
// after it): three more columns of processhost_instance_counts, written by the same trigger in
// the same counter update, so a commit writes no row more than before. The sums over the rows
// are the totals: n_correlations (every correlation), n_model_correlations (per model: those
// in which it ran), n_active_correlations (those with a running instance). A correlation is
// counted when its first instance (of the model; running) comes and uncounted when its last
// one goes. Which instance is the first or last is decided under a transaction-level
// advisory lock on the correlation id (class 16010), so two commits of one correlation (a
// call activity's parent and child) see each other's rows; the probes read
// processhost_instances_by_correlation. Only inserts, deletes and changes into or out of
// 'running' look at correlations at all. The existing rows are counted here, onto rows of
// shard 0 whose model and state exist.
constexpr std::string_view kCorrelationCounts = R"sql(
ALTER TABLE processhost_instance_counts ADD COLUMN n_correlations bigint NOT NULL DEFAULT 0,
  ADD COLUMN n_model_correlations bigint NOT NULL DEFAULT 0,
  ADD COLUMN n_active_correlations bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION processhost_count_instance() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  was_running boolean := TG_OP <> 'INSERT' AND OLD.state = 'running';
  is_running boolean := TG_OP <> 'DELETE' AND NEW.state = 'running';
  row_id text;
  correlation text;
  model text;
  sign integer := 1;
  d_all integer := 0;
  d_model integer := 0;
  d_active integer := 0;
BEGIN
  IF TG_OP = 'DELETE' THEN
    row_id := OLD.id; correlation := OLD.correlation_id; model := OLD.process_model_id; sign := -1;
  ELSE
    row_id := NEW.id; correlation := NEW.correlation_id; model := NEW.process_model_id;
  END IF;
  IF TG_OP <> 'UPDATE' OR was_running <> is_running THEN
    PERFORM pg_advisory_xact_lock(16010, hashtext(correlation));
    IF TG_OP = 'UPDATE' THEN
      IF NOT EXISTS (SELECT 1 FROM processhost_process_instances
                     WHERE correlation_id = correlation AND state = 'running' AND id <> row_id) THEN
        d_active := CASE WHEN is_running THEN 1 ELSE -1 END;
      END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM processhost_process_instances WHERE correlation_id = correlation AND id <> row_id) THEN
      d_all := sign;
      d_model := sign;
      IF was_running OR is_running THEN d_active := sign; END IF;
    ELSE
      IF NOT EXISTS (SELECT 1 FROM processhost_process_instances
                     WHERE correlation_id = correlation AND process_model_id = model AND id <> row_id) THEN
        d_model := sign;
      END IF;
      IF (was_running OR is_running) AND NOT EXISTS (SELECT 1 FROM processhost_process_instances
          WHERE correlation_id = correlation AND state = 'running' AND id <> row_id) THEN
        d_active := sign;
      END IF;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO processhost_instance_counts AS c
      VALUES (OLD.process_model_id, OLD.state, pg_backend_pid(), -1,
              CASE WHEN TG_OP = 'DELETE' THEN d_all ELSE 0 END, CASE WHEN TG_OP = 'DELETE' THEN d_model ELSE 0 END,
              CASE WHEN TG_OP = 'DELETE' THEN d_active ELSE 0 END)
      ON CONFLICT (process_model_id, state, shard) DO UPDATE SET n = c.n - 1,
        n_correlations = c.n_correlations + EXCLUDED.n_correlations,
        n_model_correlations = c.n_model_correlations + EXCLUDED.n_model_correlations,
        n_active_correlations = c.n_active_correlations + EXCLUDED.n_active_correlations;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO processhost_instance_counts AS c
      VALUES (NEW.process_model_id, NEW.state, pg_backend_pid(), 1, d_all, d_model, d_active)
      ON CONFLICT (process_model_id, state, shard) DO UPDATE SET n = c.n + 1,
        n_correlations = c.n_correlations + EXCLUDED.n_correlations,
        n_model_correlations = c.n_model_correlations + EXCLUDED.n_model_correlations,
        n_active_correlations = c.n_active_correlations + EXCLUDED.n_active_correlations;
  END IF;
  RETURN NULL;
END
$fn$;

INSERT INTO processhost_instance_counts AS c (process_model_id, state, shard, n, n_model_correlations)
  SELECT process_model_id, min(state), 0, 0, count(DISTINCT correlation_id) FROM processhost_process_instances GROUP BY 1
  ON CONFLICT (process_model_id, state, shard)
  DO UPDATE SET n_model_correlations = c.n_model_correlations + EXCLUDED.n_model_correlations;
INSERT INTO processhost_instance_counts AS c (process_model_id, state, shard, n, n_correlations, n_active_correlations)
  SELECT (SELECT min(process_model_id) FROM processhost_process_instances),
         (SELECT min(state) FROM processhost_process_instances WHERE process_model_id =
           (SELECT min(process_model_id) FROM processhost_process_instances)), 0, 0,
         count(DISTINCT correlation_id), count(DISTINCT correlation_id) FILTER (WHERE state = 'running')
  FROM processhost_process_instances HAVING count(*) > 0
  ON CONFLICT (process_model_id, state, shard)
  DO UPDATE SET n_correlations = c.n_correlations + EXCLUDED.n_correlations,
    n_active_correlations = c.n_active_correlations + EXCLUDED.n_active_correlations;
)sql";


// Count positions: the kept counts of version 9 per second of the counted rows' created_at_ms
// (bucket_from = bucket_to = created_at_ms / 1000 as the triggers write them), so that a list
// page deep in a long list is found without skipping every index entry before it: the counts
// per second, summed in order, say how many entries of the list come before each second, and
// the page is a seek from its second plus a short skip (docs/persistence.md, "Count
// positions"). pg_store folds old rows into ranges (bucket_from < bucket_to, shard 0) of about
// a thousand entries each (kept_counts.cpp); a row counts entries created within its range.
// A commit still writes one counter row per counted change (now the row of its second), and
// the correlation counters of version 10 ride in it as before (their sums are the totals).
// The triggers are version 10's (processhost_count_instance) and version 9's
// (processhost_count_waiting) with the second in the key. Existing rows are counted anew.
constexpr std::string_view kCountPositions = R"sql(
ALTER TABLE processhost_instance_counts ADD COLUMN bucket_from bigint NOT NULL DEFAULT 0,
  ADD COLUMN bucket_to bigint NOT NULL DEFAULT 0;
ALTER TABLE processhost_instance_counts DROP CONSTRAINT processhost_instance_counts_pkey;
ALTER TABLE processhost_instance_counts ADD PRIMARY KEY (process_model_id, state, bucket_from, shard);
ALTER TABLE processhost_waiting_counts ADD COLUMN bucket_from bigint NOT NULL DEFAULT 0,
  ADD COLUMN bucket_to bigint NOT NULL DEFAULT 0;
ALTER TABLE processhost_waiting_counts DROP CONSTRAINT processhost_waiting_counts_pkey;
ALTER TABLE processhost_waiting_counts
  ADD PRIMARY KEY (process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard);

-- One counter row's update: the instance count n and the three correlation counters of
-- version 10, added to the row of a model, state and second in this connection's shard.
CREATE FUNCTION processhost_add_instance_counts(at_model text, at_state text, at_second bigint, dn integer,
                                                d_all integer, d_model integer, d_active integer)
  RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  -- PL/pgSQL, not SQL: its statement's plan is kept by the session across calls.
  INSERT INTO processhost_instance_counts AS c (process_model_id, state, shard, n, n_correlations,
      n_model_correlations, n_active_correlations, bucket_from, bucket_to)
    VALUES (at_model, at_state, pg_backend_pid(), dn, d_all, d_model, d_active, at_second, at_second)
    ON CONFLICT (process_model_id, state, bucket_from, shard) DO UPDATE SET n = c.n + EXCLUDED.n,
      n_correlations = c.n_correlations + EXCLUDED.n_correlations,
      n_model_correlations = c.n_model_correlations + EXCLUDED.n_model_correlations,
      n_active_correlations = c.n_active_correlations + EXCLUDED.n_active_correlations;
END
$fn$;

-- A correlation counts in the second of its first matching instance (every instance; the
-- model's; the running ones), which the correlation lists order it by: when the changed
-- instance is, or was, that first one, the count moves between its second and the second of
-- the first of the others (probe o), or comes or goes when there is none. An instance that is
-- not the first changes no correlation count. The changed instance's own deltas ride in its
-- own counter update (d_*_old with the old row's, d_*_new with the new row's), as in version
-- 10; a move to another instance's second is an update of that second's row.
CREATE OR REPLACE FUNCTION processhost_count_instance() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  was_running boolean := TG_OP <> 'INSERT' AND OLD.state = 'running';
  is_running boolean := TG_OP <> 'DELETE' AND NEW.state = 'running';
  row_id text;
  row_at bigint;
  correlation text;
  model text;
  sign integer := 1;  -- +1: the instance comes (insert), -1: it goes (delete)
  o record;
  others boolean := true;  -- the correlation has instances besides this one (an update: taken so)
  found_other boolean;
  d_all_old integer := 0; d_model_old integer := 0; d_active_old integer := 0;
  d_all_new integer := 0; d_model_new integer := 0; d_active_new integer := 0;
BEGIN
  IF TG_OP = 'DELETE' THEN
    row_id := OLD.id; row_at := OLD.created_at_ms; correlation := OLD.correlation_id; model := OLD.process_model_id;
    sign := -1;
  ELSE
    row_id := NEW.id; row_at := NEW.created_at_ms; correlation := NEW.correlation_id; model := NEW.process_model_id;
  END IF;
  IF TG_OP <> 'UPDATE' OR was_running <> is_running THEN
    PERFORM pg_advisory_xact_lock(16010, hashtext(correlation));
    IF TG_OP <> 'UPDATE' THEN
      -- Every instance of the correlation.
      SELECT created_at_ms, id, process_model_id, state INTO o FROM processhost_process_instances
        WHERE correlation_id = correlation AND id <> row_id ORDER BY created_at_ms, id LIMIT 1;
      others := FOUND;
      IF NOT others OR (row_at, row_id) < (o.created_at_ms, o.id) THEN
        IF sign = 1 THEN d_all_new := 1; ELSE d_all_old := -1; END IF;
        IF others THEN
          PERFORM processhost_add_instance_counts(o.process_model_id, o.state, o.created_at_ms / 1000, 0, -sign, 0, 0);
        END IF;
      END IF;
      -- The model's instances of the correlation (none when the correlation has no other).
      IF others THEN
        SELECT created_at_ms, id, process_model_id, state INTO o FROM processhost_process_instances
          WHERE correlation_id = correlation AND process_model_id = model AND id <> row_id
          ORDER BY created_at_ms, id LIMIT 1;
        found_other := FOUND;
      ELSE
        found_other := false;
      END IF;
      IF NOT found_other OR (row_at, row_id) < (o.created_at_ms, o.id) THEN
        IF sign = 1 THEN d_model_new := 1; ELSE d_model_old := -1; END IF;
        IF found_other THEN
          PERFORM processhost_add_instance_counts(o.process_model_id, o.state, o.created_at_ms / 1000, 0, 0, -sign, 0);
        END IF;
      END IF;
    END IF;
    IF was_running <> is_running THEN
      -- The running instances of the correlation (none when it has no other instance).
      IF others THEN
        SELECT created_at_ms, id, process_model_id, state INTO o FROM processhost_process_instances
          WHERE correlation_id = correlation AND state = 'running' AND id <> row_id ORDER BY created_at_ms, id LIMIT 1;
        found_other := FOUND;
      ELSE
        found_other := false;
      END IF;
      IF NOT found_other OR (row_at, row_id) < (o.created_at_ms, o.id) THEN
        IF is_running THEN d_active_new := 1; ELSE d_active_old := -1; END IF;
        IF found_other THEN
          PERFORM processhost_add_instance_counts(o.process_model_id, o.state, o.created_at_ms / 1000, 0, 0, 0,
                                                  CASE WHEN is_running THEN -1 ELSE 1 END);
        END IF;
      END IF;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM processhost_add_instance_counts(OLD.process_model_id, OLD.state, OLD.created_at_ms / 1000, -1,
                                            d_all_old, d_model_old, d_active_old);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM processhost_add_instance_counts(NEW.process_model_id, NEW.state, NEW.created_at_ms / 1000, 1,
                                            d_all_new, d_model_new, d_active_new);
  END IF;
  IF TG_WHEN = 'BEFORE' THEN RETURN OLD; END IF;
  RETURN NULL;
END
$fn$;
-- A delete is counted before each row goes: a statement that removes several instances of
-- one correlation (retention) then decides row by row, each seeing the rows removed before it
-- as gone and the rest as there; after the statement every row's trigger would see them all
-- gone, and count the correlation out twice.
DROP TRIGGER processhost_count_instance_delete ON processhost_process_instances;
CREATE TRIGGER processhost_count_instance_delete BEFORE DELETE ON processhost_process_instances
  FOR EACH ROW EXECUTE FUNCTION processhost_count_instance();

CREATE OR REPLACE FUNCTION processhost_count_waiting() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.state = 'suspended' THEN
    INSERT INTO processhost_waiting_counts AS c (process_model_id, flow_node_type, flow_node_lane, event_type, shard, n,
        bucket_from, bucket_to)
      VALUES (OLD.process_model_id, OLD.flow_node_type, OLD.flow_node_lane, OLD.event_type, pg_backend_pid(), -1,
              OLD.created_at_ms / 1000, OLD.created_at_ms / 1000)
      ON CONFLICT (process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard)
      DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.state = 'suspended' THEN
    INSERT INTO processhost_waiting_counts AS c (process_model_id, flow_node_type, flow_node_lane, event_type, shard, n,
        bucket_from, bucket_to)
      VALUES (NEW.process_model_id, NEW.flow_node_type, NEW.flow_node_lane, NEW.event_type, pg_backend_pid(), 1,
              NEW.created_at_ms / 1000, NEW.created_at_ms / 1000)
      ON CONFLICT (process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard)
      DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;

-- The rows so far hold totals without seconds: every count is taken anew, per second (the
-- correlations at their first matching instance), by a function that bulk loads with the
-- count triggers off can call too (bench/list_pages does).
CREATE FUNCTION processhost_recount_kept_counts() RETURNS void LANGUAGE sql AS $fn$
DELETE FROM processhost_instance_counts;
INSERT INTO processhost_instance_counts (process_model_id, state, shard, n, n_correlations, n_model_correlations,
    n_active_correlations, bucket_from, bucket_to)
  SELECT process_model_id, state, 0, sum(dn), sum(d_all), sum(d_model), sum(d_active), second, second
  FROM (SELECT process_model_id, state, created_at_ms / 1000 AS second, 1 AS dn, 0 AS d_all, 0 AS d_model,
               0 AS d_active FROM processhost_process_instances
        UNION ALL
        SELECT * FROM (SELECT DISTINCT ON (correlation_id) process_model_id, state, created_at_ms / 1000, 0, 1, 0, 0
                       FROM processhost_process_instances ORDER BY correlation_id, created_at_ms, id) AS first_of_all
        UNION ALL
        SELECT * FROM (SELECT DISTINCT ON (correlation_id, process_model_id) process_model_id, state,
                              created_at_ms / 1000, 0, 0, 1, 0
                       FROM processhost_process_instances
                       ORDER BY correlation_id, process_model_id, created_at_ms, id) AS first_of_model
        UNION ALL
        SELECT * FROM (SELECT DISTINCT ON (correlation_id) process_model_id, state, created_at_ms / 1000, 0, 0, 0, 1
                       FROM processhost_process_instances WHERE state = 'running'
                       ORDER BY correlation_id, created_at_ms, id) AS first_running) AS deltas
  GROUP BY process_model_id, state, second;
DELETE FROM processhost_waiting_counts;
INSERT INTO processhost_waiting_counts (process_model_id, flow_node_type, flow_node_lane, event_type, shard, n,
    bucket_from, bucket_to)
  SELECT process_model_id, flow_node_type, flow_node_lane, event_type, 0, count(*), created_at_ms / 1000,
         created_at_ms / 1000
  FROM processhost_flow_node_instances WHERE state = 'suspended'
  GROUP BY process_model_id, flow_node_type, flow_node_lane, event_type, created_at_ms / 1000;
$fn$;
SELECT processhost_recount_kept_counts();
)sql";


// Owner counts: the kept counts of version 11 per owner as well, for the lists narrowed to
// the caller's own instances and tasks (the Consumer API's "own" lists). They are tables of
// their own with triggers of their own, not a column of the counts above: an owner in those
// keys would split every model-wide range of seconds across owners. Each counted change
// writes one row more (the owner's), folded like the others (kept_counts.cpp). Existing rows
// are counted here by processhost_recount_owner_counts(), which bulk loads call too.
constexpr std::string_view kOwnerCounts = R"sql(
CREATE TABLE processhost_owner_instance_counts (
  owner_user_id text NOT NULL,
  process_model_id text NOT NULL,
  state text NOT NULL,
  bucket_from bigint NOT NULL,
  bucket_to bigint NOT NULL,
  shard integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (owner_user_id, process_model_id, state, bucket_from, shard)
);
CREATE TABLE processhost_owner_waiting_counts (
  owner_user_id text NOT NULL,
  process_model_id text NOT NULL,
  flow_node_type text NOT NULL,
  flow_node_lane text NOT NULL,
  event_type text NOT NULL,
  bucket_from bigint NOT NULL,
  bucket_to bigint NOT NULL,
  shard integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (owner_user_id, process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard)
);

CREATE FUNCTION processhost_count_owner_instance() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO processhost_owner_instance_counts AS c
      VALUES (OLD.owner_user_id, OLD.process_model_id, OLD.state, OLD.created_at_ms / 1000, OLD.created_at_ms / 1000,
              pg_backend_pid(), -1)
      ON CONFLICT (owner_user_id, process_model_id, state, bucket_from, shard) DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO processhost_owner_instance_counts AS c
      VALUES (NEW.owner_user_id, NEW.process_model_id, NEW.state, NEW.created_at_ms / 1000, NEW.created_at_ms / 1000,
              pg_backend_pid(), 1)
      ON CONFLICT (owner_user_id, process_model_id, state, bucket_from, shard) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER processhost_count_owner_instance_insert AFTER INSERT ON processhost_process_instances
  FOR EACH ROW EXECUTE FUNCTION processhost_count_owner_instance();
CREATE TRIGGER processhost_count_owner_instance_update AFTER UPDATE ON processhost_process_instances
  FOR EACH ROW WHEN (OLD.state <> NEW.state OR OLD.process_model_id <> NEW.process_model_id)
  EXECUTE FUNCTION processhost_count_owner_instance();
CREATE TRIGGER processhost_count_owner_instance_delete AFTER DELETE ON processhost_process_instances
  FOR EACH ROW EXECUTE FUNCTION processhost_count_owner_instance();

CREATE FUNCTION processhost_count_owner_waiting() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.state = 'suspended' THEN
    INSERT INTO processhost_owner_waiting_counts AS c
      VALUES (OLD.owner_user_id, OLD.process_model_id, OLD.flow_node_type, OLD.flow_node_lane, OLD.event_type,
              OLD.created_at_ms / 1000, OLD.created_at_ms / 1000, pg_backend_pid(), -1)
      ON CONFLICT (owner_user_id, process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard)
      DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.state = 'suspended' THEN
    INSERT INTO processhost_owner_waiting_counts AS c
      VALUES (NEW.owner_user_id, NEW.process_model_id, NEW.flow_node_type, NEW.flow_node_lane, NEW.event_type,
              NEW.created_at_ms / 1000, NEW.created_at_ms / 1000, pg_backend_pid(), 1)
      ON CONFLICT (owner_user_id, process_model_id, flow_node_type, flow_node_lane, event_type, bucket_from, shard)
      DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER processhost_count_owner_waiting_insert AFTER INSERT ON processhost_flow_node_instances
  FOR EACH ROW WHEN (NEW.state = 'suspended') EXECUTE FUNCTION processhost_count_owner_waiting();
CREATE TRIGGER processhost_count_owner_waiting_update AFTER UPDATE ON processhost_flow_node_instances
  FOR EACH ROW WHEN ((OLD.state = 'suspended' OR NEW.state = 'suspended') AND
                     (OLD.state, OLD.process_model_id, OLD.flow_node_type, OLD.flow_node_lane, OLD.event_type)
                     IS DISTINCT FROM
                     (NEW.state, NEW.process_model_id, NEW.flow_node_type, NEW.flow_node_lane, NEW.event_type))
  EXECUTE FUNCTION processhost_count_owner_waiting();
CREATE TRIGGER processhost_count_owner_waiting_delete AFTER DELETE ON processhost_flow_node_instances
  FOR EACH ROW WHEN (OLD.state = 'suspended') EXECUTE FUNCTION processhost_count_owner_waiting();

CREATE FUNCTION processhost_recount_owner_counts() RETURNS void LANGUAGE sql AS $fn$
DELETE FROM processhost_owner_instance_counts;
INSERT INTO processhost_owner_instance_counts
  SELECT owner_user_id, process_model_id, state, created_at_ms / 1000, created_at_ms / 1000, 0, count(*)
  FROM processhost_process_instances GROUP BY owner_user_id, process_model_id, state, created_at_ms / 1000;
DELETE FROM processhost_owner_waiting_counts;
INSERT INTO processhost_owner_waiting_counts
  SELECT owner_user_id, process_model_id, flow_node_type, flow_node_lane, event_type, created_at_ms / 1000,
         created_at_ms / 1000, 0, count(*)
  FROM processhost_flow_node_instances WHERE state = 'suspended'
  GROUP BY owner_user_id, process_model_id, flow_node_type, flow_node_lane, event_type, created_at_ms / 1000;
$fn$;
SELECT processhost_recount_owner_counts();
)sql";

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = {
      {1, "initial schema", kInitialSchema},
      {2, "leaner indexes", kLeanerIndexes},
      {3, "deleted definitions", kDeletedDefinitions},
      {4, "covering list indexes", kCoveringListIndexes},
      {5, "history", kHistory},
      {6, "cluster claims", kClusterClaims},
      {7, "failover", kFailover},
      {9, "kept counts", kKeptCounts},
      {10, "correlation counts", kCorrelationCounts},
      {11, "count positions", kCountPositions},
      {12, "owner counts", kOwnerCounts},
  };
  return migrations;
}

int apply_schema_migrations(pqxx::connection& connection) {
  const std::string key = std::to_string(kMigrationLockKey);
  {
    pqxx::nontransaction lock(connection);
    lock.exec("SELECT pg_advisory_lock(" + key + ")");
  }
  int version = 0;
  try {
    // Every migration not applied yet runs, in number order: numbers need not be contiguous,
    // and one numbered below the highest applied still runs (migrations are independent).
    std::set<int> applied;
    {
      pqxx::work setup(connection);
      setup.exec(
          "CREATE TABLE IF NOT EXISTS processhost_schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      for (const auto& row : setup.exec("SELECT version FROM processhost_schema_migrations")) {
        applied.insert(row[0].as<int>());
      }
      setup.commit();
    }
    if (!applied.empty()) version = *applied.rbegin();
    for (const auto& migration : schema_migrations()) {
      if (applied.contains(migration.version)) continue;
      pqxx::work step(connection);
      step.exec(std::string(migration.sql));
      step.exec_params("INSERT INTO processhost_schema_migrations (version, name) VALUES ($1, $2)",
                       migration.version, std::string(migration.name));
      step.commit();
      version = std::max(version, migration.version);
    }
  } catch (...) {
    try {
      pqxx::nontransaction unlock(connection);
      unlock.exec("SELECT pg_advisory_unlock(" + key + ")");
    } catch (...) {
      // The lock dies with the session anyway.
    }
    throw;
  }
  pqxx::nontransaction unlock(connection);
  unlock.exec("SELECT pg_advisory_unlock(" + key + ")");
  return version;
}

}  // namespace processhost::plugins::pg_store
