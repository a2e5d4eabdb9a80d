#!/usr/bin/env python3
"""Deploys each BPMN file into a fresh ProcessHost and drives it to its end: starts every start
event that can be started by hand (triggers message and signal starts, waits for timer starts),
then finishes user tasks, manual tasks and empty activities, triggers the messages and signals
instances wait for, fetches and finishes external tasks of every topic in the file, and waits
for timers up to a limit. Prints one line per file and a summary by class (see driving.py).

  model_sweep.py [--host-binary build/bin/processhost] [--timer-limit 10] [--budget 60]
                 [--json results.json] FILE_OR_DIR...

One host at a time, memory store, no identity service; hosts listen on 127.0.0.1 only.
"""

import argparse
import collections
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from causes import ranked_causes  # noqa: E402
from driving import CLASSES, Driver  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def bpmn_files(arguments):
    files = []
    for argument in arguments:
        path = pathlib.Path(argument)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".bpmn", ".xml")))
        else:
            files.append(path)
    return files


def shorten(text, width):
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="BPMN files, or folders searched for *.bpmn and *.xml")
    parser.add_argument("--host-binary", default=str(ROOT / "build" / "bin" / "processhost"))
    parser.add_argument("--timer-limit", type=float, default=10.0,
                        help="seconds a timer may take to fire before it counts as a long timer")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of driving per file")
    parser.add_argument("--inputs", help="JSON file mapping a BPMN file name to the inputValues its "
                        "instances start with (and the payload of its message or signal start)")
    parser.add_argument("--json", help="write every outcome, with actions and log lines, to this file")
    parser.add_argument("--verbose", action="store_true", help="print each file's actions and log lines")
    options = parser.parse_args()

    inputs = json.loads(pathlib.Path(options.inputs).read_text()) if options.inputs else {}
    driver = Driver(options.host_binary, timer_limit=options.timer_limit, budget=options.budget, inputs=inputs)
    outcomes = []
    for path in bpmn_files(options.paths):
        outcome = driver.run(path)
        outcomes.append(outcome)
        print(f"{outcome.klass:<14} {path.name:<48} {outcome.seconds:>5.1f}s  {shorten(outcome.detail, 400)}",
              flush=True)
        if options.verbose:
            for action in outcome.actions:
                print(f"    - {action}")
            for problem in outcome.problems:
                print(f"    ! {shorten(problem, 300)}")
            for line in outcome.log_lines:
                print(f"    log: {shorten(line, 300)}")

    counts = collections.Counter(outcome.klass for outcome in outcomes)
    print("\nclass           files")
    for klass in CLASSES:
        if counts[klass]:
            print(f"{klass:<14} {counts[klass]:>6}")
    print(f"{'total':<14} {len(outcomes):>6}")
    causes = ranked_causes(outcomes)
    if causes:
        print("\nfiles  cause (classes; files)")
        for cause, classes, names in causes:
            print(f"{len(names):>5}  {cause}  ({', '.join(classes)}; {', '.join(names)})")
    if options.json:
        pathlib.Path(options.json).write_text(json.dumps([o.as_dict() for o in outcomes], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
