#!/usr/bin/env python3
"""Sample-flow latency while runaway scripts run (issue: scripts must not hold back others).

    bench/runaway_scripts/measure_runaway_scripts.py BUILD_DIR [RUNAWAYS] [FLOWS] [MAX_SCRIPT_THREADS]

Starts BUILD_DIR/bin/processhost on the memory store (defaults: 2 engine workers, 1 s script
budget) with the sample process and tests/integration/host/models/runaway_loop.bpmn, starts
RUNAWAYS (default 20) instances whose script loops around join() until its budget ends, and
meanwhile runs FLOWS (default 20) sample flows one after the other: start, wait for the user
task, finish it. Prints the latency of each flow (median and max) next to a baseline run of
the same flows without runaways, and how long the runaways took to fail. MAX_SCRIPT_THREADS
sets engine.maxScriptThreads (default: the host's default); 0 shows the engine without
threads for scripts.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AUTH = {"Authorization": "Bearer ZHVtbXlfdG9rZW4=", "Content-Type": "application/json"}
API = "/api/consumer/v1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=AUTH)
    reply = connection.getresponse()
    data = reply.read()
    connection.close()
    return reply.status, data


def sample_flow(port):
    started = time.monotonic()
    status, body = request(port, "POST", API + "/process_models/sample_process/start", "{}")
    assert status == 200, body
    reply = json.loads(body)
    instance, correlation = reply["processInstanceId"], reply["correlationId"]
    while True:
        status, body = request(port, "GET", API + "/process_instances/" + instance + "/user_tasks")
        assert status == 200, body
        tasks = json.loads(body)["userTasks"]
        if tasks:
            break
        time.sleep(0.002)
    task = tasks[0]["flowNodeInstanceId"]
    status, body = request(port, "POST", API + "/processes/" + instance + "/correlations/" + correlation +
                           "/usertasks/" + task + "/finish", '{"formFields":{"TaskWasSuccessful":true}}')
    assert status == 204, body
    return time.monotonic() - started


def flows(port, count):
    return [sample_flow(port) for _ in range(count)]


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    runaways = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    engine = {"maxScriptThreads": int(sys.argv[4])} if len(sys.argv) > 4 else {}
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "iam.json"), "w") as f:
            json.dump({"issuer": "bench", "secret": "a-bench-secret-that-is-long-enough-0123456789",
                       "allowGodToken": True, "usersFile": os.path.join(ROOT, "config/demo/iam/users.json")}, f)
        with open(os.path.join(work, "host.json"), "w") as f:
            json.dump({"http": {"port": port}, "engine": engine,
                       "processModels": [os.path.join(ROOT, "config/demo/processes/sample_process.bpmn"),
                                         os.path.join(ROOT, "tests/integration/host/models/runaway_loop.bpmn")],
                       "plugins": [{"name": "iam", "config": os.path.join(work, "iam.json")},
                                   {"name": "consumer_api"}]}, f)
        host = subprocess.Popen([os.path.join(build, "bin/processhost"), "--config", os.path.join(work, "host.json")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if request(port, "GET", "/ready")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            baseline = flows(port, count)
            failed = []

            def runaway():
                started = time.monotonic()
                status, body = request(port, "POST", API + "/process_models/runaway_loop/start?start_callback_type=2",
                                       "{}")
                failed.append((status, time.monotonic() - started, b"time budget" in body))

            threads = [threading.Thread(target=runaway) for _ in range(runaways)]
            for thread in threads:
                thread.start()
            time.sleep(0.2)
            loaded = flows(port, count)
            for thread in threads:
                thread.join()
        finally:
            host.terminate()
            host.wait()
    ms = lambda values: "median %.1f ms, max %.1f ms" % (statistics.median(values) * 1000, max(values) * 1000)
    print("sample flows alone:                 %s" % ms(baseline))
    print("sample flows beside %2d runaways:    %s" % (runaways, ms(loaded)))
    print("runaways: %d failed with the budget error (%d other answers), each after %s" %
          (sum(1 for s, _, budget in failed if s == 500 and budget), sum(1 for s, _, b in failed if not (s == 500 and b)),
           ms([t for _, t, _ in failed])))


if __name__ == "__main__":
    main()
