#!/usr/bin/env python3
"""The notification stream the web app follows stays open across its heartbeat: the host
sends a comment line every 15 s, and a caught-up client must get it and keep its stream.
(The stream's first chunk, "retry: 3000", once went uncounted in the host's queued-bytes
count, so the first heartbeat of a caught-up client looked like a flood and closed it.)

  notification_stream_test.py --host-binary build/bin/processhost --demo-dir config/demo
"""

import argparse
import http.client
import time
import urllib.parse

from host_under_test import HostUnderTest

HEARTBEAT_SECONDS = 15


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-binary", required=True)
    parser.add_argument("--demo-dir", required=True)
    arguments = parser.parse_args()
    with HostUnderTest(arguments.host_binary, arguments.demo_dir) as host:
        token = host.login()
        address = urllib.parse.urlparse(host.base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=HEARTBEAT_SECONDS + 10)
        connection.request("GET", "/api/consumer/v1/notifications", headers={"Authorization": "Bearer " + token})
        answer = connection.getresponse()
        assert answer.status == 200, answer.status
        assert answer.readline() == b"retry: 3000\n"
        assert answer.readline() == b"\n"
        # One event, read in full, so that the client is caught up when the heartbeat comes.
        status, _ = host.call("POST", "/api/consumer/v1/process_models/sample_process/start",
                              {"correlationId": "heartbeat"}, token=token)
        assert status == 200, status
        first_id = answer.readline()
        # The host numbers its events from its start time (ms x 1000), above its earlier ids.
        assert first_id.startswith(b"id: ") and int(first_id[4:]) >= int((time.time() - 3600) * 1000) * 1000, first_id
        started = time.monotonic()
        lines = []
        while not lines or lines[-1] != b":\n":
            line = answer.readline()
            assert line, f"the stream closed after {time.monotonic() - started:.1f} s; read {lines}"
            lines.append(line)
        # After the heartbeat the stream still carries events.
        status, _ = host.call("POST", "/api/consumer/v1/process_models/sample_process/start",
                              {"correlationId": "after-heartbeat"}, token=token)
        assert status == 200, status
        while True:
            line = answer.readline()
            assert line, "the stream closed after the heartbeat"
            if b'"correlationId":"after-heartbeat"' in line:
                break
        connection.close()
        assert "reads too slowly" not in host.log(), host.log()
    print("the notification stream outlived its heartbeat")


if __name__ == "__main__":
    main()
