#!/usr/bin/env python3
"""Starts the host, fills it with waiting sample instances, and times the list pages.

Each page is the request a task list or cockpit page makes (first page of 20, a deep page);
figures are p50/p99 over --samples requests on one kept-alive connection. Prints a Markdown
table, then the host's RSS before and after paging through every running instance, and the
time from a restart to /ready.
"""
import argparse
import http.client
import json
import statistics
import subprocess
import threading
import time


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


def fill(args):
    """Starts the instances from 8 threads, each on its own kept-alive connection."""
    per_thread = [args.instances // 8 + (1 if i < args.instances % 8 else 0) for i in range(8)]
    failures = []

    def run(count, offset):
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for i in range(count):
            body = json.dumps({"correlationId": f"c{offset + i}"})
            connection.request("POST", "/api/consumer/v1/process_models/sample_process/start", body,
                               {"Content-Type": "application/json"})
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                failures.append(reply.status)

    threads, offset = [], 0
    for count in per_thread:
        threads.append(threading.Thread(target=run, args=(count, offset)))
        offset += count
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} starts failed, first status {failures[0]}")
    return time.monotonic() - began


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
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], len(body)


def page_through(connection, total):
    """Every running instance, 100 per page, as a client listing them all would."""
    offset = 0
    while offset < total:
        connection.request("GET", f"/api/management/v1/process_instances/by_state/running?offset={offset}&limit=100")
        reply = connection.getresponse()
        reply.read()
        offset += 100


def main():
    parser = argparse.ArgumentParser()
    for name in ("--host-binary", "--config", "--pid-file"):
        parser.add_argument(name, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--instances", type=int, default=100000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    process, _ = start_host(args)
    fill_seconds = fill(args)
    print(f"{args.instances} instances started in {fill_seconds:.1f} s ({args.instances / fill_seconds:.0f}/s)")
    time.sleep(2)  # let the last transitions reach their user tasks before counting
    last = args.instances - 20
    pages = [
        ("user tasks of the model, first page (Consumer API)",
         "/api/consumer/v1/process_models/sample_process/user_tasks?offset=0&limit=20"),
        ("user tasks of one correlation (Consumer API)", "/api/consumer/v1/correlations/c4242/user_tasks"),
        ("every waiting task, first page (Management API)", "/api/management/v1/suspended_tasks?offset=0&limit=20"),
        ("running instances, first page", "/api/management/v1/process_instances/by_state/running?offset=0&limit=20"),
        ("running instances, last page", f"/api/management/v1/process_instances/by_state/running?offset={last}&limit=20"),
        ("instances of the model, first page",
         "/api/management/v1/process_instances/by_process_model/sample_process?offset=0&limit=20"),
        ("process models", "/api/management/v1/process_models?offset=0&limit=0"),
        ("correlations, first page", "/api/management/v1/correlations/all?offset=0&limit=20"),
        ("active correlations, last page", f"/api/management/v1/correlations/active?offset={last}&limit=20"),
        ("correlations of the model, first page",
         "/api/management/v1/correlations/process_model/sample_process?offset=0&limit=20"),
        ("one correlation", "/api/management/v1/correlations/c4242"),
    ]
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    rss_before = rss_kib(process.pid)
    print(f"\n| page ({args.instances} waiting instances) | p50 ms | p99 ms | bytes |")
    print("|---|---|---|---|")
    for name, target in pages:
        p50, p99, size = timed(connection, target, args.samples)
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {size} |")
    began = time.monotonic()
    page_through(connection, args.instances)
    paged_seconds = time.monotonic() - began
    rss_after = rss_kib(process.pid)
    print(f"\nhost RSS {rss_before / 1024:.0f} MiB before paging, {rss_after / 1024:.0f} MiB after paging through "
          f"every running instance (100 per page, {paged_seconds:.1f} s)")
    process.terminate()
    process.wait(timeout=30)
    process, ready_seconds = start_host(args)
    print(f"host ready {ready_seconds * 1000:.0f} ms after a restart on that database")
    process.terminate()
    process.wait(timeout=30)


if __name__ == "__main__":
    main()
