#!/usr/bin/env python3
"""Times write-back of N pending annotation changes to tests/fake_google.py.

Serves N ChromeOS devices from the local fake, lets fleetkeepd create them (google_admin source with
`write_back: {location: true}` in dry run), imports a CSV giving every device a new location (N pending
`annotatedLocation` changes, one PATCH each), then applies them (POST .../write-back:apply) and measures:

1. planning: GET .../write-back listing the N pending changes;
2. the apply: from the POST to the write-back status saying "applied" (wall), and the runner's own
   `last_duration_seconds` (planning, N PATCHes over one kept-alive connection, recording N events);
3. the fake alone: the same N PATCHes sent by this script over one kept-alive connection.

Exits non-zero if anything does not add up (pending count, requests sent, Google's values after).

    bench/write_back_bench.py --devices 10000 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import benchlib  # noqa: E402
import fake_google  # noqa: E402


def call(daemon, path, method="GET", data=None, content_type=None):
    _, body = daemon.call(path, data=(b"" if method == "POST" and data is None else data),
                          content_type=content_type, timeout=600)
    return json.loads(body or b"null")


def wait(daemon, what, check, timeout=1800):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    daemon.fail("%s did not happen within %d s" % (what, timeout))


def fake_alone(fake, n):
    fake.grant_token("bench-token")
    conn = http.client.HTTPConnection("127.0.0.1", fake.port)
    start = time.perf_counter()
    for i in range(n):
        device_id = fake_google.make_device(i)["deviceId"]
        conn.request("PATCH", "/admin/directory/v1/customer/my_customer/devices/chromeos/%s?projection=BASIC"
                     % device_id, body=json.dumps({"annotatedLocation": "Direct %d" % i}),
                     headers={"Authorization": "Bearer bench-token", "Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit("fake refused a PATCH: %d" % resp.status)
    conn.close()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", "-n", type=int, default=10000)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetkeep-write-back-bench-")
    fake = fake_google.FakeGoogle(work)
    n = args.devices
    try:
        fake.set_devices([fake_google.make_device(i) for i in range(n)])
        daemon = benchlib.Daemon(
            args.fleetkeepd, work,
            "log_level: info\nsources:\n  - name: google\n    plugin: google_admin\n    interval: 1d\n"
            "    timeout: 30m\n    customer_id: my_customer\n    credentials_file: %s\n    subject: %s\n"
            "    api_base_url: %s\n    token_url: %s\n    max_results: 300\n"
            "    write_back: {location: true}\n"
            % (fake.key_path, fake_google.SUBJECT, fake.base_url, fake.token_url))
        try:
            daemon.start(wait_ready=False)
            wait(daemon, "the first poll", lambda: next(
                (s for s in call(daemon, "/api/v1/sources")["items"]
                 if s["polls"] >= 1 and not s["running"] and s["last_result"] == "ok"), None))
            rows = "serial,location\n" + "".join(
                "%s,Room R-%d\n" % (fake_google.make_device(i)["serialNumber"], i) for i in range(n))
            imported = call(daemon, "/api/v1/devices:import", "POST", rows.encode(), "text/csv")
            if imported.get("updated") != n:
                daemon.fail("import updated %s devices, expected %d" % (imported, n))

            start = time.perf_counter()
            listed = call(daemon, "/api/v1/sources/google/write-back")
            plan_s = time.perf_counter() - start
            if listed["pending"] != n:
                daemon.fail("expected %d pending changes, got %s" % (n, listed["pending"]))
            fake.clear_requests()

            start = time.perf_counter()
            call(daemon, "/api/v1/sources/google/write-back:apply", "POST")
            status = wait(daemon, "the apply", lambda: (lambda wb: wb if wb["last_result"] in (
                "applied", "partly applied", "stopped") else None)(call(daemon, "/api/v1/sources/google/write-back")))
            wall = time.perf_counter() - start
            writes = fake.write_requests()
            if status["last_result"] != "applied" or status["last_applied"] != n or len(writes) != n:
                daemon.fail("apply: %s, %d requests" % ({k: v for k, v in status.items() if k != "changes"},
                                                         len(writes)))
            if fake.device(n - 1)["annotatedLocation"] != "Room R-%d" % (n - 1):
                daemon.fail("Google's value did not change")
            if status["pending"] != 0:
                daemon.fail("still pending: %d" % status["pending"])
            runner = status["last_duration_seconds"]
        finally:
            daemon.stop(timeout=60)
        daemon.check_clean_exit()
        alone = fake_alone(fake, n)
        print("pending annotation changes: %d (one PATCH each)" % n)
        print("planning (GET write-back):  %.3f s" % plan_s)
        print("apply, wall (POST to done): %.3f s  (%.0f changes/s)" % (wall, n / wall))
        print("apply, runner's own time:   %.3f s  (plan, %d PATCHes, %d events recorded)" % (runner, n, n))
        print("fake alone (%d PATCHes):  %.3f s" % (n, alone))
        print("load average:               %.1f" % os.getloadavg()[0])
    finally:
        fake.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
