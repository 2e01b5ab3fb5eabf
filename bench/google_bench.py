#!/usr/bin/env python3
"""Times fleetkeepd reconciling a large Google Admin listing served by tests/fake_google.py.

Serves N ChromeOS devices (realistic FULL-projection records) from the local fake, starts fleetkeepd
with a google_admin source pointed at it (every poll a full listing), and measures:

1. the first sync: N devices listed page by page (300 a page), mapped and created with their events;
2. an unchanged re-sync: the same N devices again, which must write nothing but the bookkeeping;
3. the fake alone: fetching every page with no processing (how much of 1 and 2 is the fake's own time);
4. the floor: the sqlite3 shell importing the same N rows (the fields the plugin maps) into a bare table.

Poll times are the daemon's own (`last_duration_seconds` of GET /api/v1/sources: listing, mapping and
the reconciliation transaction). Exits non-zero if a poll fails or the counts are wrong.

    bench/google_bench.py --devices 100000 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import fake_google  # noqa: E402

COLUMNS = ["source_id", "serial", "asset_tag", "kind", "manufacturer", "model", "org_unit", "location",
           "aue_date", "macs", "os_version", "last_sync"]


def fail(message, log_path=None):
    print("google_bench: " + message, file=sys.stderr)
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as log:
            sys.stderr.writelines(log.readlines()[-30:])
    sys.exit(1)


def wait_for_file(path, proc, timeout, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail("fleetkeepd exited early with status %d" % proc.returncode, log_path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if text.endswith("\n"):
                return text.strip()
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    fail("timed out waiting for " + path, log_path)


def call(url, token, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def source_status(base, token):
    body = call(base + "/api/v1/sources", token)
    items = body["items"] if isinstance(body, dict) else body
    return next(s for s in items if s["name"] == "google")


def wait_poll(base, token, previous_end, timeout, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = source_status(base, token)
        if not s.get("running") and s.get("last_end") and s["last_end"] != previous_end:
            if s.get("last_result") != "ok":
                fail("poll failed: %s %s" % (s.get("last_reason"), s.get("last_error")), log_path)
            return s
        time.sleep(0.1)
    fail("no poll finished within %d s" % timeout, log_path)


def memory_kib(pid):
    out = {}
    with open("/proc/%d/status" % pid, encoding="utf-8") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0])
    return out


def cpu_seconds(pid):
    """User + system CPU time of the process so far (all threads): steadier than wall time on a busy machine."""
    with open("/proc/%d/stat" % pid, encoding="utf-8") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_daemon(args, work, fake):
    state = os.path.join(work, "state")
    config = os.path.join(work, "fleetkeepd.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("listen: 127.0.0.1:0\nstate_dir: %s\nlog_level: info\n"
                "sources:\n"
                "  - name: google\n    plugin: google_admin\n    interval: 1d\n"
                "    full_sync_interval: 1s\n    timeout: 30m\n"
                "    customer_id: my_customer\n    credentials_file: %s\n    subject: %s\n"
                "    api_base_url: %s\n    token_url: %s\n    max_results: 300\n"
                % (state, fake.key_path, fake_google.SUBJECT, fake.base_url, fake.token_url))
    log_path = os.path.join(work, "fleetkeepd.log")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([args.fleetkeepd, "--config", config], stdout=log, stderr=subprocess.STDOUT)
    try:
        port = wait_for_file(os.path.join(state, "port"), proc, 30, log_path)
        token = wait_for_file(os.path.join(state, "admin.token"), proc, 30, log_path)
        base = "http://127.0.0.1:%s" % port
        cpu_start = cpu_seconds(proc.pid)
        first = wait_poll(base, token, None, 3600, log_path)  # sources poll on their own soon after start
        cpu_first = cpu_seconds(proc.pid) - cpu_start
        if first["created"] != args.devices:
            fail("first sync created %s devices, expected %d" % (first["created"], args.devices), log_path)
        after_first = memory_kib(proc.pid)
        db_first = db_bytes(state)

        time.sleep(1.1)  # full_sync_interval 1s: the next poll lists everything again
        cpu_start = cpu_seconds(proc.pid)
        call(base + "/api/v1/sources/google/poll", token, "POST")
        again = wait_poll(base, token, first["last_end"], 3600, log_path)
        cpu_again = cpu_seconds(proc.pid) - cpu_start
        if again["unchanged"] != args.devices or again["created"] or again["updated"]:
            fail("re-sync was not a no-op: %s" % again, log_path)
        after_again = memory_kib(proc.pid)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                fail("fleetkeepd did not stop within 60 s of SIGTERM", log_path)
    if proc.returncode != 0:
        fail("fleetkeepd exited with status %d after SIGTERM" % proc.returncode, log_path)
    return {"first": first["last_duration_seconds"], "again": again["last_duration_seconds"],
            "cpu_first": cpu_first, "cpu_again": cpu_again,
            "mem_first": after_first, "mem_again": after_again, "db_first": db_first,
            "db_again": db_bytes(state)}


def db_bytes(state):
    return sum(os.path.getsize(os.path.join(state, n)) for n in os.listdir(state) if n.endswith((".db", ".db-wal")))


def fetch_all(fake):
    """Every page through the fake with no processing: the share of a poll that is the fake's own."""
    fake.grant_token("bench-token")  # the bench reads pages directly; no JWT round trip needed
    fields = fake.list_requests()[-1].get("fields", "")  # the partial response the daemon asked for
    url = (fake.base_url + "/admin/directory/v1/customer/my_customer/devices/chromeos?maxResults=300&projection=FULL"
           + "&fields=" + urllib.parse.quote(fields))
    start = time.perf_counter()
    page_token, pages, size = None, 0, 0
    while True:
        req = urllib.request.Request(url + ("&pageToken=" + page_token if page_token else ""),
                                     headers={"Authorization": "Bearer bench-token"})
        with urllib.request.urlopen(req) as resp:
            body = resp.read()
        pages += 1
        size += len(body)
        m = re.search(rb'"nextPageToken":"([^"]+)"', body)
        if not m:
            break
        page_token = m.group(1).decode()
    return time.perf_counter() - start, pages, size


def bench_sqlite3(args, work, devices):
    csv_path = os.path.join(work, "google.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for d in devices:
            macs = " ".join(m for m in (d.get("macAddress"), d.get("ethernetMacAddress")) if m)
            w.writerow([d["deviceId"], d["serialNumber"], d.get("annotatedAssetId", ""), "chromebook",
                        d["model"].split(" ")[0], d["model"], d.get("orgUnitPath", ""),
                        d.get("annotatedLocation", ""), d.get("autoUpdateThrough", ""), macs,
                        d.get("osVersion", ""), d.get("lastSync", "")])
    db = os.path.join(work, "bare.db")
    script = "CREATE TABLE devices (%s);\n.import --csv --skip 1 '%s' devices\n" % (
        ", ".join(c + " TEXT" for c in COLUMNS), csv_path)
    start, cpu_start = time.perf_counter(), os.times()
    done = subprocess.run([args.sqlite3, db], input=script, text=True, capture_output=True)
    seconds, cpu_end = time.perf_counter() - start, os.times()
    cpu = (cpu_end.children_user - cpu_start.children_user) + (cpu_end.children_system - cpu_start.children_system)
    if done.returncode != 0 or done.stderr.strip():
        fail("sqlite3 import failed: " + done.stderr.strip())
    count = subprocess.run([args.sqlite3, db, "SELECT count(*) FROM devices;"], text=True,
                           capture_output=True, check=True).stdout.strip()
    if count != str(len(devices)):
        fail("sqlite3 imported %s rows, expected %d" % (count, len(devices)))
    return seconds, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", "-n", type=int, default=100000)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    parser.add_argument("--sqlite3", default="sqlite3")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.devices < 1:
        parser.error("--devices must be >= 1")
    if not os.access(args.fleetkeepd, os.X_OK):
        parser.error("%s is not an executable (build it, or pass --fleetkeepd)" % args.fleetkeepd)
    if shutil.which(args.sqlite3) is None:
        parser.error("%s not found (Debian package sqlite3)" % args.sqlite3)

    work = tempfile.mkdtemp(prefix="fleetkeep-google-bench-")
    fake = fake_google.FakeGoogle(work)
    try:
        devices = [fake_google.make_device(i) for i in range(args.devices)]
        fake.set_devices(devices)
        fk = bench_daemon(args, work, fake)
        fetch, pages, size = fetch_all(fake)
        bare, bare_cpu = bench_sqlite3(args, work, devices)

        n = args.devices
        print("devices:                 %d (%d pages of 300, %.1f MiB of JSON)" % (n, pages, size / (1 << 20)))
        print("first sync (fleetkeepd): %.3f s  (%.0f devices/s), %.2f s CPU"
              % (fk["first"], n / fk["first"], fk["cpu_first"]))
        print("unchanged re-sync:       %.3f s  (%.0f devices/s), %.2f s CPU"
              % (fk["again"], n / fk["again"], fk["cpu_again"]))
        print("fake alone (fetch only): %.3f s" % fetch)
        print("sqlite3 .import (floor): %.3f s, %.2f s CPU" % (bare, bare_cpu))
        print("load average:            %.1f (2 cores are busy with other work when this is high)" % os.getloadavg()[0])
        print("ratio first sync/sqlite3: %.1fx (CPU %.1fx)   re-sync/sqlite3: %.1fx (CPU %.1fx)"
              % (fk["first"] / bare, fk["cpu_first"] / max(bare_cpu, 0.01),
                 fk["again"] / bare, fk["cpu_again"] / max(bare_cpu, 0.01)))
        print("fleetkeepd RSS:          %.1f MiB after first sync, %.1f MiB after re-sync, peak %.1f MiB"
              % (fk["mem_first"]["VmRSS"] / 1024, fk["mem_again"]["VmRSS"] / 1024,
                 fk["mem_again"]["VmHWM"] / 1024))
        print("database (db + wal):     %.1f MiB after first sync, %.1f MiB after re-sync"
              % (fk["db_first"] / (1 << 20), fk["db_again"] / (1 << 20)))
    finally:
        fake.close()
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
