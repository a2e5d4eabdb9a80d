#!/usr/bin/env python3
"""Starts the host, fills pg_store with waiting sample instances, and times the list pages.

Filling (--fill):
  http  every instance is started through the Consumer API (about 1,100 per second);
  sql   --template instances are started through the Consumer API, the rest are written by
        one INSERT ... SELECT per batch that repeats exactly the rows the engine wrote for a
        template instance (the instance with its runtime state, its finished start event and
        script task, its waiting user task), each with fresh ids, its own correlation id and
        a later creation time. The check afterwards finishes the user task of the last
        instance written that way through the Consumer API and expects the instance to end.
After filling, VACUUM ANALYZE (what autovacuum does to a table that has settled: statistics
and the visibility map behind index-only scans).

Each list kind is requested at its first, middle and last page (--page-size items) --samples
times on one kept-alive connection (a page no earlier page led to), and at --samples random
pages anywhere in the list, each asked once (random jumps); the table gives p50/p99 in ms and
the first page's bytes. Then every list kind is paged through as a client
pages through everything (offset 0, 100, 200, ...): in full for the lists named by
--full-pass (default: every list; "none": none), else --sequential-pages pages from the
start and as many from the middle (the first page of the run from the middle, a jump, is
left out of its figures); p50/p99 over those pages, their count and time. The host's RSS
is read before the first page and after the last. Last, the host's time from a restart to
/ready on that database.

--reuse: when the database already holds at least --instances instances (a kept bench
database, run_list_pages.sh with LIST_PAGES_KEEP=1), nothing is filled.
"""
import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import threading
import time

MODEL = "sample_process"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_host(args):
    started = time.monotonic()
    process = subprocess.Popen([args.host_binary, "--config", args.config], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    with open(args.pid_file, "w") as pid_file:
        pid_file.write(str(process.pid))
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            connection.request("GET", "/ready")
            if connection.getresponse().status == 200:
                return process, time.monotonic() - started
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit("the host exited while starting")
        time.sleep(0.005)


def stop_host(process):
    process.terminate()
    process.wait(timeout=60)


def psql(args, sql):
    """Runs sql on the benchmark's database; returns psql's unaligned output."""
    return subprocess.run([args.psql, "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", "postgres", "-d", args.database,
                           "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def fill_http(args, count, first):
    """Starts count instances from 8 threads, each on its own kept-alive connection."""
    per_thread = [count // 8 + (1 if i < count % 8 else 0) for i in range(8)]
    failures = []

    def run(share, offset):
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for i in range(share):
            body = json.dumps({"correlationId": f"c{offset + i}"})
            connection.request("POST", f"/api/consumer/v1/process_models/{MODEL}/start", body,
                               {"Content-Type": "application/json"})
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                failures.append(reply.status)

    threads, offset = [], first
    for share in per_thread:
        threads.append(threading.Thread(target=run, args=(share, offset)))
        offset += share
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} starts failed, first status {failures[0]}")


# One batch: instances first+1 .. first+size, each a copy of the template instance's rows with
# new ids (instance, three flow node instances), correlation c<n>, created 1 ms apart after
# the template. The runtime state is the template's with the waiting token's ids and times
# replaced; the flow nodes keep their chain (previous_flow_node_instance_id).
SQL_BATCH = """
WITH tpl AS (
  SELECT i.*, s.id AS start_id, t.id AS script_id, u.id AS task_id,
         (SELECT max(created_at_ms) FROM processhost_process_instances) AS base_ms
  FROM processhost_process_instances i
  JOIN processhost_flow_node_instances s ON s.process_instance_id = i.id AND s.flow_node_type = 'bpmn:StartEvent'
  JOIN processhost_flow_node_instances t ON t.process_instance_id = i.id AND t.flow_node_type = 'bpmn:ScriptTask'
  JOIN processhost_flow_node_instances u ON u.process_instance_id = i.id AND u.flow_node_type = 'bpmn:UserTask'
  WHERE i.state = 'running' AND u.state = 'suspended'
  ORDER BY i.created_at_ms, i.id LIMIT 1),
fresh AS (
  SELECT n, gen_random_uuid()::text AS id, gen_random_uuid()::text AS start_id, gen_random_uuid()::text AS script_id,
         gen_random_uuid()::text AS task_id, tpl.base_ms + (n - {first}) AS at_ms
  FROM tpl, generate_series({first} + 1, {first} + {size}) AS n),
instances AS (
  INSERT INTO processhost_process_instances (id, process_model_id, process_model_hash, correlation_id,
    parent_process_instance_id, owner_user_id, owner_identity, state, error, version, created_at_ms, finished_at_ms,
    runtime_state)
  SELECT f.id, t.process_model_id, t.process_model_hash, 'c' || f.n, '', t.owner_user_id, t.owner_identity, 'running',
    t.error, t.version, f.at_ms, 0,
    jsonb_set(jsonb_set(jsonb_set(t.runtime_state, '{{tokens,0,fni}}', to_jsonb(f.task_id)),
      '{{tokens,0,prev}}', to_jsonb(f.script_id)), '{{tokens,0,at}}', to_jsonb(f.at_ms))
  FROM fresh f, tpl t)
INSERT INTO processhost_flow_node_instances (id, process_instance_id, process_model_id, correlation_id, owner_user_id,
  flow_node_id, flow_node_name, flow_node_type, flow_node_lane, event_type, event_name, state,
  previous_flow_node_instance_id, token_on_enter, token_on_exit, error, created_at_ms, finished_at_ms)
SELECT CASE n.flow_node_type WHEN 'bpmn:StartEvent' THEN f.start_id WHEN 'bpmn:ScriptTask' THEN f.script_id
         ELSE f.task_id END,
       f.id, n.process_model_id, 'c' || f.n, n.owner_user_id, n.flow_node_id, n.flow_node_name, n.flow_node_type,
       n.flow_node_lane, n.event_type, n.event_name, n.state,
       CASE n.flow_node_type WHEN 'bpmn:StartEvent' THEN '' WHEN 'bpmn:ScriptTask' THEN f.start_id
         ELSE f.script_id END,
       n.token_on_enter, n.token_on_exit, n.error, f.at_ms,
       CASE WHEN n.finished_at_ms = 0 THEN 0 ELSE f.at_ms END
FROM fresh f, tpl t JOIN processhost_flow_node_instances n ON n.process_instance_id = t.id
"""


# The copies bypass the kept-count triggers (a counter row updated once per copied row in
# one statement costs quadratic time: each update walks that row's versions of the same
# transaction) and the counts are taken again afterwards by the functions schema migrations 11
# and 12 count them with.
# Nothing else writes while the bench fills.
RECOUNT = "SELECT processhost_recount_kept_counts(); SELECT processhost_recount_owner_counts()"
COUNTED_TABLES = ("processhost_process_instances", "processhost_flow_node_instances")


def fill_sql(args, first, count):
    batch = 100000
    done = 0
    for table in COUNTED_TABLES:
        psql(args, f"ALTER TABLE {table} DISABLE TRIGGER USER")
    while done < count:
        size = min(batch, count - done)
        psql(args, SQL_BATCH.format(first=first + done, size=size))
        done += size
        print(f"  {first + done} instances", flush=True)
    for table in COUNTED_TABLES:
        psql(args, f"ALTER TABLE {table} ENABLE TRIGGER USER")
    psql(args, RECOUNT)


def check_copied_instance(args, connection):
    """Finishes the user task of the newest instance (written by SQL) and expects its end."""
    row = psql(args, "SELECT i.id, i.correlation_id, f.id FROM processhost_process_instances i"
                     " JOIN processhost_flow_node_instances f ON f.process_instance_id = i.id"
                     " AND f.state = 'suspended' ORDER BY i.created_at_ms DESC LIMIT 1").split("|")
    instance, correlation, task = row
    connection.request("POST", f"/api/consumer/v1/processes/{instance}/correlations/{correlation}/usertasks/{task}/finish",
                       json.dumps({"TaskWasSuccessful": True}), {"Content-Type": "application/json"})
    reply = connection.getresponse()
    body = reply.read()
    if reply.status != 204:
        raise SystemExit(f"finishing the user task of a copied instance: {reply.status} {body[:300]!r}")
    for _ in range(200):
        state = psql(args, f"SELECT state FROM processhost_process_instances WHERE id = '{instance}'")
        if state == "finished":
            return instance
        time.sleep(0.05)
    raise SystemExit(f"the copied instance {instance} did not finish: {state}")


def timed(connection, target, samples):
    times = []
    body = b""
    for _ in range(samples):
        began = time.perf_counter()
        connection.request("GET", target)
        reply = connection.getresponse()
        body = reply.read()
        times.append((time.perf_counter() - began) * 1000)
        if reply.status != 200:
            raise SystemExit(f"GET {target}: {reply.status} {body[:200]!r}")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], body


def list_items(document):
    """The items of a list document: its one array."""
    for value in document.values():
        if isinstance(value, list):
            return value
    raise SystemExit(f"no list in {str(document)[:200]}")


def page_through(connection, path, page_size, start=0, pages=0):
    """Pages through a list as a client listing everything would, from offset start, up to
    the first page that is not full or, when pages is set, that many pages; returns the items
    seen and each page's time in ms."""
    offset, seen, times = start, 0, []
    while True:
        began = time.perf_counter()
        connection.request("GET", f"{path}?offset={offset}&limit={page_size}")
        reply = connection.getresponse()
        body = reply.read()
        times.append((time.perf_counter() - began) * 1000)
        if reply.status != 200:
            raise SystemExit(f"GET {path}?offset={offset}: {reply.status} {body[:200]!r}")
        count = len(list_items(json.loads(body)))
        seen += count
        offset += page_size
        if count < page_size or (pages and len(times) >= pages):
            return seen, times


def percentiles(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main():
    parser = argparse.ArgumentParser()
    for name in ("--host-binary", "--config", "--pid-file", "--psql", "--database"):
        parser.add_argument(name, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--instances", type=int, default=100000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--through-page-size", type=int, default=0,
                        help="page size of the paging through everything (default: --page-size)")
    parser.add_argument("--fill", choices=("http", "sql"), default="sql")
    parser.add_argument("--ready-only", action="store_true",
                        help="fill, then only the restarts: no page timing, no paging through")
    parser.add_argument("--template", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds enough instances")
    parser.add_argument("--full-pass", default="all",
                        help="comma-separated keys of the lists paged through in full (model-user-tasks, "
                             "own-user-tasks, model-tasks, suspended-tasks, running-instances, model-instances, "
                             "correlations, active-correlations, model-correlations); all or none")
    parser.add_argument("--lists", default="all",
                        help="comma-separated keys of the lists to measure (as --full-pass); default all")
    parser.add_argument("--sequential-pages", type=int, default=300,
                        help="pages from the start and from the middle of the lists not paged in full")
    args = parser.parse_args()

    process, _ = start_host(args)
    stored = int(psql(args, "SELECT count(*) FROM processhost_process_instances"))
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
    if args.reuse and stored >= args.instances:
        print(f"reusing the database: {stored} instances stored")
    else:
        if stored:
            raise SystemExit(f"the database holds {stored} instances: fill it afresh (no --reuse, or a new one)")
        began = time.monotonic()
        through_http = args.instances if args.fill == "http" else min(args.template, args.instances)
        fill_http(args, through_http, 0)
        time.sleep(1)  # the last transitions reach their user tasks
        http_seconds = time.monotonic() - began
        print(f"{through_http} instances started through the Consumer API in {http_seconds:.1f} s")
        if through_http < args.instances:
            began = time.monotonic()
            fill_sql(args, through_http, args.instances - through_http)
            print(f"{args.instances - through_http} instances written by SQL in {time.monotonic() - began:.1f} s")
        began = time.monotonic()
        psql(args, "VACUUM ANALYZE")
        print(f"VACUUM ANALYZE {time.monotonic() - began:.1f} s; database "
              f"{psql(args, 'SELECT pg_size_pretty(pg_database_size(current_database()))')}")
        if through_http < args.instances:
            finished = check_copied_instance(args, connection)
            print(f"check: the user task of copied instance {finished} finished through the Consumer API, "
                  f"instance ended")
    waiting = int(psql(args, "SELECT count(*) FROM processhost_flow_node_instances WHERE state = 'suspended'"))
    running = int(psql(args, "SELECT count(*) FROM processhost_process_instances WHERE state = 'running'"))
    stored = int(psql(args, "SELECT count(*) FROM processhost_process_instances"))
    correlations = int(psql(args, "SELECT count(DISTINCT correlation_id) FROM processhost_process_instances"))
    active = int(psql(args, "SELECT count(DISTINCT correlation_id) FROM processhost_process_instances"
                            " WHERE state = 'running'"))
    print(f"{stored} instances ({running} running, {correlations} correlations, {active} active), "
          f"{waiting} waiting user tasks")

    if args.ready_only:
        stop_host(process)
        report_restarts(args)
        return

    size = args.page_size
    # The list, its length, and whether its totalCount is that length (UserTaskList counts
    # the items on the page, as the reference defines it; docs/api.md, "Paging").
    lists = [
        ("model-user-tasks", "user tasks of the model (Consumer API)",
         f"/api/consumer/v1/process_models/{MODEL}/user_tasks", waiting, False),
        ("own-user-tasks", "own user tasks (Consumer API)", "/api/consumer/v1/user_tasks/own", waiting, False),
        ("model-tasks", "tasks of the model (Consumer API, TaskList)", f"/api/consumer/v1/process_models/{MODEL}/tasks",
         waiting, True),
        ("suspended-tasks", "every waiting task (Management API)", "/api/management/v1/suspended_tasks", waiting, True),
        ("running-instances", "running instances (Management API)",
         "/api/management/v1/process_instances/by_state/running", running, True),
        ("model-instances", "instances of the model (Management API)",
         f"/api/management/v1/process_instances/by_process_model/{MODEL}", stored, True),
        ("correlations", "correlations (Management API, /correlations/all)", "/api/management/v1/correlations/all",
         correlations, True),
        ("active-correlations", "active correlations (Management API)", "/api/management/v1/correlations/active",
         active, True),
        ("model-correlations", "correlations of the model (Management API)",
         f"/api/management/v1/correlations/process_model/{MODEL}", correlations, True),
    ]
    if args.lists != "all":
        wanted = {key.strip() for key in args.lists.split(",")}
        lists = [entry for entry in lists if entry[0] in wanted]
    rss_before = rss_kib(process.pid)
    print(f"\n| page of {size} ({args.instances:,} waiting instances) | first p50 / p99 ms | middle p50 / p99 ms |"
          f" last p50 / p99 ms | random p50 / p99 ms | bytes (first page) |")
    print("|---|---|---|---|---|---|")
    jumps = random.Random(1)
    for _, name, path, total, counted in lists:
        cells, first_bytes = [], 0
        for offset in (0, (total // 2) // size * size, (total - 1) // size * size, None):
            try:
                if offset is None:
                    # Random jumps: SAMPLES pages anywhere in the list, each asked once.
                    times = []
                    for _ in range(args.samples):
                        at = jumps.randrange(0, max(1, total // size)) * size
                        times.append(timed(connection, f"{path}?offset={at}&limit={size}", 1)[0])
                    times.sort()
                    cells.append(f"{statistics.median(times):.1f} / {times[min(len(times) - 1, int(len(times) * 0.99))]:.1f}")
                    continue
                p50, p99, body = timed(connection, f"{path}?offset={offset}&limit={size}", args.samples)
            except SystemExit as failure:
                cells.append(f"failed: {str(failure)[:80]}")
                continue
            if offset == 0:
                first_bytes = len(body)
                document = json.loads(body)
                expected = total if counted else size
                if document.get("totalCount") != expected:
                    raise SystemExit(f"{path}: totalCount {document.get('totalCount')}, expected {expected}")
            cells.append(f"{p50:.1f} / {p99:.1f}")
        print(f"| {name} | {' | '.join(cells)} | {first_bytes:,} |", flush=True)
    small = [
        ("user tasks of one correlation (Consumer API)", "/api/consumer/v1/correlations/c4242/user_tasks"),
        ("instances of one correlation (Management API)", "/api/management/v1/process_instances/by_correlation/c4242"),
        ("process models (Management API)", "/api/management/v1/process_models"),
        ("one correlation (Management API)", "/api/management/v1/correlations/c4242"),
    ]
    for name, path in small:
        try:
            p50, p99, body = timed(connection, path, args.samples)
        except SystemExit as failure:
            # Reported in its row (a statement timeout is the store's 503), not fatal: the
            # figures after it still count.
            print(f"| {name} | failed: {str(failure)[:160]} | | | |")
            continue
        print(f"| {name} | {p50:.1f} / {p99:.1f} | | | {len(body):,} |")

    through = args.through_page_size or size
    full = {key.strip() for key in args.full_pass.split(",")}
    print(f"\n| paging through, {through} per page | pages | p50 / p99 ms | time s | items |")
    print("|---|---|---|---|---|")
    for key, name, path, total, counted in lists:
        if args.full_pass == "all" or key in full:
            began = time.monotonic()
            seen, times = page_through(connection, path, through)
            if seen != total:
                raise SystemExit(f"{name}: paged through {seen} of {total}")
            p50, p99 = percentiles(times)
            print(f"| {name}, everything | {len(times):,} | {p50:.1f} / {p99:.1f} | {time.monotonic() - began:.1f} |"
                  f" {seen:,} |", flush=True)
            continue
        for label, start in (("from the start", 0), ("from the middle", (total // 2) // through * through)):
            began = time.monotonic()
            seen, times = page_through(connection, path, through, start, args.sequential_pages + (start > 0))
            if start > 0:
                times = times[1:]  # the run's first page is a jump to the middle
            p50, p99 = percentiles(times)
            print(f"| {name}, {label} | {len(times):,} | {p50:.1f} / {p99:.1f} | {time.monotonic() - began:.1f} |"
                  f" {seen:,} |", flush=True)
    rss_after = rss_kib(process.pid)
    print(f"\nhost RSS {rss_before / 1024:.0f} MiB before the first page, {rss_after / 1024:.0f} MiB after the "
          f"last")
    stop_host(process)
    report_restarts(args)


def report_restarts(args):
    readies = []
    for _ in range(3):
        process, ready_seconds = start_host(args)
        readies.append(ready_seconds * 1000)
        rss_ready = rss_kib(process.pid)
        stop_host(process)
    print(f"host ready {', '.join(f'{ms:.0f}' for ms in readies)} ms after three restarts on that database "
          f"(RSS {rss_ready / 1024:.0f} MiB when ready)")


if __name__ == "__main__":
    main()
