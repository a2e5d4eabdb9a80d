#!/usr/bin/env python3
"""The web plugin's static routes over HTTP against the real host: content types, caching
headers and validators, the vendored bpmn-js with its license, and no way out of the folder.

  static_routes_test.py --host-binary build/bin/processhost --demo-dir config/demo
"""

import argparse
import http.client
import urllib.parse

from host_under_test import HostUnderTest


def fetch(base_url, path, headers=None):
    address = urllib.parse.urlparse(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    # The path goes out exactly as written (no client-side normalisation of "..").
    connection.request("GET", path, headers=headers or {})
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {name.lower(): value for name, value in answer.getheaders()}, body


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-binary", required=True)
    parser.add_argument("--demo-dir", required=True)
    arguments = parser.parse_args()
    with HostUnderTest(arguments.host_binary, arguments.demo_dir) as host:
        base = host.base_url
        status, headers, body = fetch(base, "/app")
        check(status == 200, f"/app: {status}")
        check(headers["content-type"] == "text/html; charset=utf-8", headers)
        check(headers["cache-control"] == "no-cache", headers)
        check(headers["x-content-type-options"] == "nosniff", headers)
        check("default-src 'self'" in headers["content-security-policy"], headers)
        check(b'<script type="module" src="/app/js/main.js">' in body, body[:200])
        check(fetch(base, "/app/")[2] == body, "/app/ differs from /app")
        check(fetch(base, "/app/index.html")[2] == body, "/app/index.html differs from /app")

        status, headers, _ = fetch(base, "/app", {"If-None-Match": headers["etag"]})
        check(status == 304, f"If-None-Match with the current ETag: {status}")

        expected_types = {
            "/app/js/main.js": "text/javascript; charset=utf-8",
            "/app/app.css": "text/css; charset=utf-8",
            "/app/vendor/bpmn-js/bpmn-viewer.production.min.js": "text/javascript; charset=utf-8",
            "/app/vendor/bpmn-js/diagram-js.css": "text/css; charset=utf-8",
        }
        for path, content_type in expected_types.items():
            status, headers, _ = fetch(base, path)
            check(status == 200 and headers["content-type"] == content_type, f"{path}: {status} {headers}")
        status, headers, _ = fetch(base, "/app/vendor/bpmn-js/bpmn-viewer.production.min.js")
        check(headers["cache-control"] == "public, max-age=86400", headers)

        status, _, license_text = fetch(base, "/app/vendor/bpmn-js/LICENSE")
        check(status == 200 and b"Camunda Services GmbH" in license_text, "bpmn-js LICENSE not served")
        status, _, package = fetch(base, "/app/vendor/bpmn-js/package.json")
        check(status == 200 and b'"version": "17.11.1"' in package, "bpmn-js is not the pinned 17.11.1")

        for path in ("/app/../CMakeLists.txt", "/app/..%2f..%2fhost.json", "/app/js/../../etc/passwd",
                     "/app/%2e%2e/%2e%2e/etc/passwd", "/app/js", "/app/nothing.js", "/app/.hidden"):
            status, _, _ = fetch(base, path)
            check(status in (400, 404), f"{path}: {status}, expected 404")
    print("static routes passed")


if __name__ == "__main__":
    main()
