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
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import benchlib  # noqa: E402
import fake_google  # noqa: E402

COLUMNS = ["source_id", "serial", "asset_tag", "kind", "manufacturer", "model", "org_unit", "location",
           "aue_date", "macs", "os_version", "last_sync"]


def call(daemon, path, method="GET"):
    _, body = daemon.call(path, data=b"" if method == "POST" else None, timeout=60)
    return json.loads(body or b"null")


def source_status(daemon):
    body = call(daemon, "/api/v1/sources")
    items = body["items"] if isinstance(body, dict) else body
    return next(s for s in items if s["name"] == "google")


def wait_poll(daemon, previous_end, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = source_status(daemon)
        if not s.get("running") and s.get("last_end") and s["last_end"] != previous_end:
            if s.get("last_result") != "ok":
                daemon.fail("poll failed: %s %s" % (s.get("last_reason"), s.get("last_error")))
            return s
        time.sleep(0.1)
    daemon.fail("no poll finished within %d s" % timeout)


def bench_daemon(args, work, fake):
    daemon = benchlib.Daemon(args.fleetkeepd, work,
                             "log_level: info\n"
                             "sources:\n"
                             "  - name: google\n    plugin: google_admin\n    interval: 1d\n"
                             "    full_sync_interval: 1s\n    timeout: 30m\n"
                             "    customer_id: my_customer\n    credentials_file: %s\n    subject: %s\n"
                             "    api_base_url: %s\n    token_url: %s\n    max_results: 300\n"
                             % (fake.key_path, fake_google.SUBJECT, fake.base_url, fake.token_url))
    try:
        daemon.start(wait_ready=False)
        cpu_start = daemon.cpu_seconds()
        first = wait_poll(daemon, None, 3600)  # sources poll on their own soon after start
        cpu_first = daemon.cpu_seconds() - cpu_start
        if first["created"] != args.devices:
            daemon.fail("first sync created %s devices, expected %d" % (first["created"], args.devices))
        after_first = daemon.memory()
        db_first = daemon.db_bytes()

        time.sleep(1.1)  # full_sync_interval 1s: the next poll lists everything again
        cpu_start = daemon.cpu_seconds()
        call(daemon, "/api/v1/sources/google/poll", "POST")
        again = wait_poll(daemon, first["last_end"], 3600)
        cpu_again = daemon.cpu_seconds() - cpu_start
        if again["unchanged"] != args.devices or again["created"] or again["updated"]:
            daemon.fail("re-sync was not a no-op: %s" % again)
        after_again = daemon.memory()
    finally:
        daemon.stop(timeout=60)
    daemon.check_clean_exit()
    return {"first": first["last_duration_seconds"], "again": again["last_duration_seconds"],
            "cpu_first": cpu_first, "cpu_again": cpu_again,
            "mem_first": after_first, "mem_again": after_again, "db_first": db_first,
            "db_again": daemon.db_bytes()}


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
    return benchlib.sqlite3_import(args.sqlite3, work, csv_path, COLUMNS, len(devices))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", "-n", type=int, default=100000)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    parser.add_argument("--sqlite3", default="sqlite3")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.devices < 1:
        parser.error("--devices must be >= 1")
    benchlib.check_tools(parser, args)

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
