"""Starts the real host for the web tests: iam, consumer_api, management_api and web on
127.0.0.1 (a free port), the memory store, the demo's sample process and the form process
of processes/; stops it on exit.
The demo user logs in, with the claim to deploy added."""

import json
import pathlib
import re
import subprocess
import tempfile
import time
import urllib.request

LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


class HostUnderTest:
    def __init__(self, host_binary, demo_dir, plugins=("iam", "consumer_api", "management_api", "web")):
        self.host_binary = pathlib.Path(host_binary)
        self.demo_dir = pathlib.Path(demo_dir).resolve()
        self.plugins = plugins
        self.process = None
        self.base_url = None
        self.work = tempfile.TemporaryDirectory(prefix="web-e2e-")

    def __enter__(self):
        iam_config = self._operator_iam_config()
        config = {
            "http": {"host": "127.0.0.1", "port": 0},
            "log": {"level": "info", "format": "text"},
            "processModels": [str(self.demo_dir / "processes"), str(pathlib.Path(__file__).with_name("processes"))],
            "plugins": [
                {"name": "iam", "config": str(iam_config)} if name == "iam" else {"name": name}
                for name in self.plugins
            ],
        }
        config_file = pathlib.Path(self.work.name) / "host.json"
        config_file.write_text(json.dumps(config))
        self.log_file = pathlib.Path(self.work.name) / "host.log"
        self.process = subprocess.Popen(
            [str(self.host_binary), "--config", str(config_file)],
            stdout=self.log_file.open("w"), stderr=subprocess.STDOUT)
        self.base_url = self._wait_until_ready()
        return self

    def _operator_iam_config(self):
        """The demo's iam config and user, who here may also deploy (can_write_process_model)."""
        work = pathlib.Path(self.work.name)
        users = json.loads((self.demo_dir / "iam" / "users.json").read_text())
        for user in users["users"]:
            user["claims"].append("can_write_process_model")
        (work / "users.json").write_text(json.dumps(users))
        iam = json.loads((self.demo_dir / "iam" / "iam.json").read_text())
        iam["usersFile"] = "users.json"
        (work / "iam.json").write_text(json.dumps(iam))
        return work / "iam.json"

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

    def _wait_until_ready(self):
        deadline = time.monotonic() + 30
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

    def call(self, method, path, body=None, token=None):
        """One JSON request; returns (status, parsed body or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
                return answer.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, (json.loads(text) if text else None)

    def login(self, username="sampleUser", password="pass"):
        status, body = self.call("POST", "/iam/login", {"username": username, "password": password})
        assert status == 200, (status, body)
        return body["token"]
