#!/usr/bin/env python3
"""Sign-in cost: time per password check (Argon2id) and sign-in throughput against a real fleetkeepd.

Starts fleetkeepd on 127.0.0.1, port 0, in a temp dir, creates a user, then
  1. signs in --serial times one after another: the median latency, less the median of a GET /auth/me
     on the same connection type (no password check), is the cost of one Argon2 check;
  2. signs in from --threads clients at once for --seconds: sign-ins per second (the server's four
     workers each run one check at a time).
Successful sign-ins only: failures would trip the per-address throttle.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

PASSWORD = "bench password 12345"


def call(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = dict(headers or {})
        if data:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        return r.status, r.getheader("Set-Cookie"), r.read()
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fleetkeepd", required=True)
    ap.add_argument("--serial", type=int, default=30)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="signin-bench-") as tmp:
        cfg = os.path.join(tmp, "fleetkeepd.yaml")
        with open(cfg, "w") as f:
            f.write("listen: 127.0.0.1:0\nstate_dir: var\nlog_level: warn\n")
        r = subprocess.run([args.fleetkeepd, "--config", cfg, "user", "create", "--name", "bench", "--role",
                            "viewer"], input=PASSWORD + "\n", capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        log = open(os.path.join(tmp, "log"), "wb")
        proc = subprocess.Popen([args.fleetkeepd, "--config", cfg], stdout=log, stderr=log)
        try:
            port_file = os.path.join(tmp, "var", "port")
            deadline = time.monotonic() + 10
            while not (os.path.exists(port_file) and open(port_file).read().endswith("\n")):
                assert time.monotonic() < deadline and proc.poll() is None, "fleetkeepd did not start"
                time.sleep(0.02)
            port = int(open(port_file).read())

            login = {"name": "bench", "password": PASSWORD}
            status, cookie, _ = call(port, "POST", "/auth/login", login)
            assert status == 200, status
            session = cookie.split(";", 1)[0]
            me, logins = [], []
            for _ in range(args.serial):
                t = time.perf_counter()
                assert call(port, "GET", "/auth/me", headers={"Cookie": session})[0] == 200
                me.append(time.perf_counter() - t)
                t = time.perf_counter()
                assert call(port, "POST", "/auth/login", login)[0] == 200
                logins.append(time.perf_counter() - t)
            check_ms = (statistics.median(logins) - statistics.median(me)) * 1000

            done = [0]
            lock = threading.Lock()
            stop = time.monotonic() + args.seconds

            def worker():
                while time.monotonic() < stop:
                    assert call(port, "POST", "/auth/login", login)[0] == 200
                    with lock:
                        done[0] += 1

            threads = [threading.Thread(target=worker) for _ in range(args.threads)]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - t0
            print("sign-in latency median %.1f ms, GET /auth/me median %.1f ms -> Argon2 check ~%.1f ms"
                  % (statistics.median(logins) * 1000, statistics.median(me) * 1000, check_ms))
            print("throughput: %d sign-ins in %.1f s from %d clients = %.1f sign-ins/s"
                  % (done[0], elapsed, args.threads, done[0] / elapsed))
        finally:
            proc.terminate()
            proc.wait(10)
            log.close()


if __name__ == "__main__":
    main()
