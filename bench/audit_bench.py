#!/usr/bin/env python3
"""Audit scan throughput through the API.

Imports a generated fleet (bench/gen_fleet.py) with every location moved under one district prefix, starts
an audit of that prefix (the whole in-service fleet is expected), then posts scans from several parallel
clients, each on its own keep-alive connection: each device once, tags and serials alternating, plus a
share of repeats. Reports scans per second (wall and per fleetkeepd CPU second), client-side latency, and
the cost of the report (counts only, and with the lists). Checks that every scanned device counted once.

    bench/audit_bench.py --devices 100000 --scans 20000 --clients 4 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import csv
import http.client
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import gen_fleet  # noqa: E402

PREFIX = "Bench District"
IN_SERVICE = ("in_stock", "deployed", "in_repair")


def fleet(devices, seed):
    """The generated fleet's CSV with every location under PREFIX, and the (tag, serial) of in-service ones."""
    raw = io.StringIO()
    gen_fleet.write_fleet(raw, devices, seed)
    rows = list(csv.reader(io.StringIO(raw.getvalue())))
    header = rows[0]
    loc, status, tag, serial = (header.index(c) for c in ("location", "status", "asset_tag", "serial"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    codes = []
    for row in rows[1:]:
        row[loc] = PREFIX + " / " + (row[loc] or "Storage")
        writer.writerow(row)
        if row[status] in IN_SERVICE:
            codes.append((row[tag], row[serial]))
    return out.getvalue().encode(), codes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=100000, help="fleet size")
    parser.add_argument("--scans", type=int, default=20000, help="distinct devices scanned")
    parser.add_argument("--repeats", type=float, default=0.05, help="extra share of repeat scans")
    parser.add_argument("--clients", type=int, default=4, help="parallel scanning clients")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    benchlib.check_tools(parser, args)

    body, codes = fleet(args.devices, args.seed)
    if args.scans > len(codes):
        parser.error("only %d in-service devices in a fleet of %d" % (len(codes), args.devices))
    work = tempfile.mkdtemp(prefix="fk-audit-bench-")
    daemon = benchlib.Daemon(args.fleetkeepd, work, "log_level: warn\nlimits:\n  import_body_bytes: %dMiB\n"
                             % max(256, 2 * len(body) // (1 << 20) + 16))
    try:
        daemon.start()
        status, _ = daemon.call("/api/v1/devices:import", body, "text/csv")
        if status != 200:
            daemon.fail("import answered %d" % status)
        t0 = time.perf_counter()
        status, answer = daemon.call("/api/v1/audits", json.dumps({"name": "bench", "location": PREFIX}).encode(),
                                     "application/json")
        start_seconds = time.perf_counter() - t0
        audit = json.loads(answer)
        expected = audit["counts"]["expected"]
        if expected != len(codes):
            daemon.fail("the audit expects %d devices, the fleet has %d in service" % (expected, len(codes)))

        scans = [tag if i % 2 else serial for i, (tag, serial) in enumerate(codes[:args.scans])]
        scans += scans[: int(len(scans) * args.repeats)]  # a technician scanning twice
        per_client = [scans[i::args.clients] for i in range(args.clients)]
        latencies, tallies, errors = [[] for _ in per_client], [{} for _ in per_client], []
        path = "/api/v1/audits/%d/scans" % audit["id"]
        headers = {"Authorization": "Bearer " + daemon.token, "Content-Type": "application/json"}

        def client(i):
            conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=60)
            try:
                for code in per_client[i]:
                    s = time.perf_counter()
                    conn.request("POST", path, body=json.dumps({"code": code}), headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    latencies[i].append(time.perf_counter() - s)
                    if r.status != 200:
                        raise RuntimeError("scan %s: HTTP %d %s" % (code, r.status, data[:200]))
                    result = json.loads(data)["result"]
                    tallies[i][result] = tallies[i].get(result, 0) + 1
            except Exception as e:  # noqa: BLE001 - reported with the daemon's log below
                errors.append(e)
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        cpu0, wall0 = daemon.cpu_seconds(), time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall, cpu = time.perf_counter() - wall0, daemon.cpu_seconds() - cpu0
        if errors:
            daemon.fail(str(errors[0]))
        found = sum(t.get("found", 0) for t in tallies)
        repeats = sum(t.get("repeat", 0) for t in tallies)

        t0 = time.perf_counter()
        _, counts_body = daemon.call("/api/v1/audits/%d?lists=false" % audit["id"])
        counts_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, full_body = daemon.call("/api/v1/audits/%d" % audit["id"])
        full_seconds = time.perf_counter() - t0
        counts = json.loads(counts_body)["counts"]
        if found != args.scans or counts["found"] != args.scans or repeats != len(scans) - args.scans:
            daemon.fail("counted %d found (report %d), %d repeats, for %d distinct devices"
                        % (found, counts["found"], repeats, args.scans))
        daemon.stop()
        daemon.check_clean_exit()
    finally:
        daemon.stop(check=False)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    all_lat = sorted(x for lat in latencies for x in lat)
    print("fleet %d devices, audit expects %d (start: %.2f s)" % (args.devices, expected, start_seconds))
    print("%d scans (%d distinct, %d repeats) from %d clients in %.2f s: %.0f scans/s; "
          "fleetkeepd CPU %.2f s (%.0f scans per CPU second)"
          % (len(scans), args.scans, repeats, args.clients, wall, len(scans) / wall, cpu, len(scans) / cpu))
    print("latency per scan: median %.2f ms, p99 %.2f ms, max %.2f ms"
          % (statistics.median(all_lat) * 1e3, all_lat[int(0.99 * (len(all_lat) - 1))] * 1e3, all_lat[-1] * 1e3))
    print("report: counts only %.3f s, with lists %.3f s (%d bytes)" % (counts_seconds, full_seconds, len(full_body)))


if __name__ == "__main__":
    main()
