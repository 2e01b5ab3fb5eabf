#!/usr/bin/env python3
"""Scrape cost of GET /metrics against fleet size.

For each fleet size: imports a generated fleet (bench/gen_fleet.py) into a fresh fleetkeepd, waits until
the gauges show it, then times many scrapes over one keep-alive connection (client side, so HTTP and
serialisation are included) and counts the series. The figures go to docs/performance.md.

    bench/metrics_bench.py --rows 10000,100000 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import gen_fleet  # noqa: E402

SAMPLE = re.compile(r"^(fleetkeep_[a-zA-Z0-9_]*?)(_bucket|_sum|_count)?(\{.*\})?\s")
# Any fleet size must stay far below this: no per-device labels, bounded catalogs of models and sources.
SERIES_BOUND = 1000


def series_count(text):
    series, families = 0, set()
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            series += 1
            families.add(m.group(1))
    return series, len(families)


def devices_in_gauge(text):
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("fleetkeep_devices{"))


def measure(args, rows, work):
    csv_path = os.path.join(work, "fleet-%d.csv" % rows)
    with open(csv_path, "w", newline="", encoding="utf-8") as out:
        gen_fleet.write_fleet(out, rows, args.seed)
    with open(csv_path, "rb") as f:
        body = f.read()
    daemon = benchlib.Daemon(args.fleetkeepd, work, "log_level: warn\nlimits:\n  import_body_bytes: %dMiB\n"
                             % max(256, 2 * len(body) // (1 << 20) + 16), suffix="-%d" % rows)
    try:
        daemon.start()
        status, _ = daemon.call("/api/v1/devices:import", body, "text/csv")
        if status != 200:
            daemon.fail("import answered %d" % status)

        conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)

        def scrape():
            conn.request("GET", "/metrics")
            r = conn.getresponse()
            text = r.read()
            if r.status != 200:
                daemon.fail("/metrics answered %d" % r.status)
            return text

        # The gauges refresh on a timer after the write; wait for them so the timed scrapes are real.
        start = time.monotonic()
        while devices_in_gauge(scrape().decode()) != rows:
            if time.monotonic() - start > 120:
                daemon.fail("fleetkeep_devices never reached %d" % rows)
            time.sleep(0.2)
        refresh_wait = time.monotonic() - start

        for _ in range(10):  # warm up
            scrape()
        times = []
        for _ in range(args.scrapes):
            t0 = time.perf_counter()
            text = scrape()
            times.append(time.perf_counter() - t0)
        conn.close()
    finally:
        daemon.stop(check=False)
    series, families = series_count(text.decode())
    times.sort()
    return {"rows": rows, "median": statistics.median(times), "p99": times[int(0.99 * (len(times) - 1))],
            "max": times[-1], "bytes": len(text), "series": series, "families": families,
            "refresh_wait": refresh_wait}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated fleet sizes")
    parser.add_argument("--scrapes", type=int, default=1000, help="timed scrapes per fleet size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    parser.add_argument("--max-median-ms", type=float, default=None,
                        help="exit 1 if a median scrape takes longer (a smoke check, not a benchmark)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",")]
    benchlib.check_tools(parser, args)

    work = tempfile.mkdtemp(prefix="fleetkeep-metrics-bench-")
    try:
        results = [measure(args, rows, work) for rows in sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("%10s %10s %10s %10s %9s %8s %9s %14s" % ("devices", "median ms", "p99 ms", "max ms", "bytes", "series",
                                                   "families", "refresh wait s"))
    for r in results:
        print("%10d %10.2f %10.2f %10.2f %9d %8d %9d %14.1f" % (
            r["rows"], r["median"] * 1e3, r["p99"] * 1e3, r["max"] * 1e3, r["bytes"], r["series"],
            r["families"], r["refresh_wait"]))
    problems = []
    for r in results:
        if r["series"] > SERIES_BOUND:
            problems.append("%d devices: %d series, over the bound of %d" % (r["rows"], r["series"], SERIES_BOUND))
        if args.max_median_ms is not None and r["median"] * 1e3 > args.max_median_ms:
            problems.append("%d devices: median scrape %.2f ms over %.2f ms" % (r["rows"], r["median"] * 1e3,
                                                                                args.max_median_ms))
    for p in problems:
        print("metrics_bench: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
