#!/usr/bin/env python3
"""Regenerates the screenshots of docs/ui.md: the browser test's flow against a fresh host
(memory store, the demo's sample process), one PNG per page into docs/images/web/.

  tests/e2e/web/screenshots.py          (after ./run build, from anywhere)
"""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]

if __name__ == "__main__":
    sys.exit(subprocess.call([
        "/usr/bin/python3", str(pathlib.Path(__file__).with_name("browser_test.py")),
        "--host-binary", str(ROOT / "build" / "bin" / "processhost"),
        "--demo-dir", str(ROOT / "config" / "demo"),
        "--screenshots", str(ROOT / "docs" / "images" / "web"),
    ]))
