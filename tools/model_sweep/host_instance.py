"""A fresh ProcessHost for one diagram: the built binary with consumer_api and management_api,
no identity service (both APIs are then open) and the memory store, on 127.0.0.1 and a free
port; plus the small JSON-over-HTTP client the sweep speaks to it with."""

import json
import pathlib
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
# Lines every host of this configuration logs; they say nothing about the diagram.
ROUTINE_WARNINGS = ("[memory_store] no store plugin", "authentication is off")


class HostInstance:
    def __init__(self, host_binary, start_timeout=30.0):
        self.host_binary = pathlib.Path(host_binary).resolve()
        self.start_timeout = start_timeout
        self.process = None
        self.base_url = None
        self.work = tempfile.TemporaryDirectory(prefix="model-sweep-")
        self.log_file = pathlib.Path(self.work.name) / "host.log"

    def __enter__(self):
        config = {
            "http": {"host": "127.0.0.1", "port": 0},
            "log": {"level": "info", "format": "text"},
            "plugins": [{"name": "consumer_api"}, {"name": "management_api"}],
        }
        config_file = pathlib.Path(self.work.name) / "host.json"
        config_file.write_text(json.dumps(config))
        self.process = subprocess.Popen(
            [str(self.host_binary), "--config", str(config_file)],
            stdout=self.log_file.open("w"), stderr=subprocess.STDOUT)
        self.base_url = self._wait_until_ready()
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.work.cleanup()

    def log(self):
        return self.log_file.read_text(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def notable_log_lines(self, since_line=0):
        """Warnings and errors logged after line `since_line`, without the routine ones."""
        lines = self.log().splitlines()[since_line:]
        return [line for line in lines
                if (" warn " in line or " error " in line)
                and not any(routine in line for routine in ROUTINE_WARNINGS)]

    def log_line_count(self):
        return len(self.log().splitlines())

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the host exited during start-up:\n" + self.log())
            match = LISTENING.search(self.log())
            if match:
                try:
                    with urllib.request.urlopen(match.group(1) + "/ready", timeout=2) as answer:
                        if answer.status == 200:
                            return match.group(1)
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("the host did not become ready:\n" + self.log())

    def call(self, method, path, body=None, timeout=20):
        """One JSON request; returns (status, parsed body or None). A transport failure (the host
        died, a time-out) is status 0 with the error text as body."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, _parse(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, _parse(error.read())
        except OSError as error:
            return 0, {"message": f"no answer: {error}"}


def _parse(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"message": text.decode(errors="replace")}
