#!/usr/bin/env python3
"""Soak: mixed load on the real fleetkeepd for a long time, its resident memory sampled every minute.

Runs, at a steady total rate, what a district's day looks like: list pages and single reads, edits
(read, then PATCH with the version), checkouts and returns, small CSV imports that update the same
devices, Prometheus scrapes of /metrics, and a csv_import source whose file changes so it keeps
polling. The fleet does not grow (imports and the source update the same rows), so the database's
working set settles and a memory figure that keeps climbing is a leak, not data.

A 503 with Retry-After (the daemon's answer while another write holds the database) is retried after
the time it asks, as a client would, and counted apart; it is an error only when three tries in a row get it.

Prints one line per sample (minute, VmRSS, requests, errors) and at the end the series and the slope of
a least-squares line through the samples (KiB per hour), over the whole run and over its second half
(after caches have warmed). Exits 1 if the daemon dies or any request gets a 5xx.

    bench/soak.py --duration 1h --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

PEOPLE = 500
SOURCE_ROWS = 2000


def parse_duration(text):
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not m or not any(m.groups()):
        raise argparse.ArgumentTypeError("a duration such as 1h, 20m, 90s or 1h30m")
    h, mi, s = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s


class Load:
    def __init__(self, d, rng, devices):
        self.d, self.rng, self.devices = d, rng, devices
        self.requests = 0
        self.busy = 0  # 503s with Retry-After, retried as a client would
        self.errors = []
        self.lock = threading.Lock()
        self.open = {}  # device tag -> checkout id, per worker's own tags

    def call(self, path, body=None, content_type=None, method=None):
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            content_type = content_type or "application/json"
        for attempt in range(3):
            retry_after = None
            try:
                status, raw = benchlib.request(self.d.base + path, self.d.token, data, content_type, timeout=120,
                                               method=method)
            except urllib.error.HTTPError as e:
                status, raw = e.code, e.read()
                retry_after = e.headers.get("Retry-After")
            except (urllib.error.URLError, OSError) as e:
                status, raw = 0, str(e).encode()
            with self.lock:
                self.requests += 1
            # The daemon's answer to write contention (docs/reliability.md): not a failure unless it persists.
            if status != 503 or retry_after is None or not retry_after.isdigit() or attempt == 2:
                break
            with self.lock:
                self.busy += 1
            time.sleep(min(int(retry_after), 10))
        with self.lock:
            if status == 0 or status >= 500:
                self.errors.append("%s %s -> %d %s" % (method or ("POST" if data else "GET"), path, status, raw[:200]))
        return status, raw

    # One unit of each kind of work; the mix below picks among them.
    def read_page(self):
        status, raw = self.call("/api/v1/devices?limit=100&location=Room%%20%d" % self.rng.randrange(50))
        cursor = json.loads(raw).get("next_cursor") if status == 200 else None
        if cursor:
            self.call("/api/v1/devices?limit=100&location=Room%%20%d&cursor=%s" % (self.rng.randrange(50), cursor))

    def read_one(self):
        self.call("/api/v1/devices/tag:SK-%05d" % self.rng.randrange(self.devices))

    def search(self):
        self.call("/api/v1/devices?q=%d&limit=50" % self.rng.randrange(100))

    def edit(self):
        tag = "SK-%05d" % self.rng.randrange(self.devices)
        status, raw = self.call("/api/v1/devices/tag:" + tag)
        if status == 200:
            version = json.loads(raw)["version"]
            self.call("/api/v1/devices/tag:" + tag, {"notes": "soak %d" % self.rng.randrange(1000), "version": version},
                      method="PATCH")  # a 409 (someone edited it first) is a normal answer

    def lend(self, tags):
        tag = self.rng.choice(tags)
        if tag in self.open:
            self.call("/api/v1/checkouts/%d/return" % self.open.pop(tag), {})
        else:
            status, raw = self.call("/api/v1/checkouts", {"device": "tag:" + tag,
                                                          "person": "SP%04d" % self.rng.randrange(PEOPLE)})
            if status == 201:
                self.open[tag] = json.loads(raw)["id"]

    def small_import(self):
        start = self.rng.randrange(self.devices - 100)
        rows = "".join("SK-%05d,SSK-%05d,laptop,Room %d\n" % (i, i, self.rng.randrange(50))
                       for i in range(start, start + 100))
        self.call("/api/v1/devices:import", "asset_tag,serial,kind,location\n" + rows, "text/csv")


def write_listing(path, generation):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("asset_tag,serial,kind,org_unit\n")
        for i in range(SOURCE_ROWS):
            f.write("SRC-%05d,SSRC-%05d,chromebook,/gen-%d\n" % (i, i, generation % 5))
    os.replace(path + ".tmp", path)


def slope_kib_per_hour(samples):
    """Least-squares slope of (seconds, KiB) pairs, in KiB per hour."""
    n = len(samples)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in samples) / n
    my = sum(v for _, v in samples) / n
    den = sum((t - mx) ** 2 for t, _ in samples)
    return 3600 * sum((t - mx) * (v - my) for t, v in samples) / den if den else 0.0


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=parse_duration, default=3600, help="how long (default 1h)")
    parser.add_argument("--sample", type=parse_duration, default=60, help="RSS sampling period (default 1m)")
    parser.add_argument("--rate", type=float, default=40, help="requests per second, all workers together")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--devices", type=int, default=5000, help="fleet size (default 5000, at least 1000)")
    parser.add_argument("--database-cache", metavar="SIZE",
                        help="the daemon's limits.database_cache (e.g. 4MiB): a cache smaller than the database "
                             "fills early, so the run shows whether memory levels off once it has")
    parser.add_argument("--fleetkeepd", default=os.path.join(root, "build", "bin", "fleetkeepd"))
    args = parser.parse_args()
    benchlib.check_tools(parser, args)
    if args.devices < 1000:
        parser.error("--devices: at least 1000")

    with tempfile.TemporaryDirectory(prefix="fleetkeep-soak-") as work:
        listing = os.path.join(work, "listing.csv")
        write_listing(listing, 0)
        d = benchlib.Daemon(args.fleetkeepd, work,
                            "log_level: warn\nsources:\n  - name: listing\n    plugin: csv_import\n"
                            "    interval: 30s\n    path: %s\n" % listing +
                            ("limits:\n  database_cache: %s\n" % args.database_cache if args.database_cache else ""))
        d.start()
        setup = Load(d, random.Random(args.seed), args.devices)
        setup.call("/api/v1/people:import", "external_id,name,role\n" +
                   "".join("SP%04d,Person %d,student\n" % (i, i) for i in range(PEOPLE)), "text/csv")
        setup.call("/api/v1/devices:import", "asset_tag,serial,kind,location\n" +
                   "".join("SK-%05d,SSK-%05d,laptop,Depot\n" % (i, i) for i in range(args.devices)), "text/csv")
        if setup.errors:
            d.fail("setup failed: %s" % setup.errors)

        stop = threading.Event()
        loads = []

        def worker(n):
            load = Load(d, random.Random(args.seed * 1000 + n), args.devices)
            loads.append(load)
            mine = ["SK-%05d" % i for i in range(n, args.devices, args.workers)][:200]
            mix = ([load.read_page] * 30 + [load.read_one] * 30 + [load.search] * 10 + [load.edit] * 12 +
                   [lambda: load.lend(mine)] * 16 + [load.small_import] * 2)
            period = args.workers / args.rate
            next_at = time.monotonic()
            while not stop.is_set():
                load.rng.choice(mix)()
                next_at += period
                stop.wait(max(0.0, next_at - time.monotonic()))  # a steady rate, not a flat-out hammer

        def scraper():
            load = Load(d, random.Random(0), args.devices)
            loads.append(load)
            generation = 0
            while not stop.wait(5):
                load.call("/metrics")
                generation += 1
                if generation % 6 == 0:  # every 30 s: the source finds a changed file at its next poll
                    write_listing(listing, generation // 6)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.workers)]
        threads.append(threading.Thread(target=scraper))
        for t in threads:
            t.start()
        t0 = time.monotonic()
        samples = []
        print("soak: %ds at %.0f req/s, %d devices, RSS every %ds; pid %d"
              % (args.duration, args.rate, args.devices, args.sample, d.proc.pid),
              flush=True)
        try:
            while True:
                elapsed = time.monotonic() - t0
                if d.proc.poll() is not None:
                    d.fail("fleetkeepd exited with %d during the soak" % d.proc.returncode)
                rss = benchlib.proc_memory(d.proc.pid)["VmRSS"]
                samples.append((elapsed, rss))
                # The file grows with the history (every edit is an event): the page caches may follow it.
                db_kib = os.path.getsize(os.path.join(d.state, "fleetkeep.db")) // 1024
                print("  %6.1f min  RSS %7d KiB  database %7d KiB  requests %8d  errors %d"
                      % (elapsed / 60, rss, db_kib, sum(x.requests for x in loads), sum(len(x.errors) for x in loads)),
                      flush=True)
                if elapsed >= args.duration:
                    break
                time.sleep(min(args.sample, max(0.0, args.duration - elapsed)))  # the sampling clock
        finally:
            stop.set()
            for t in threads:
                t.join()
        errors = [e for x in loads for e in x.errors]
        polls = json.loads(benchlib.request(d.base + "/api/v1/sources", d.token)[1])
        d.stop()

    half = [s for s in samples if s[0] >= samples[-1][0] / 2]
    print("series (minute, KiB): " + " ".join("%.0f:%d" % (t / 60, v) for t, v in samples))
    print("RSS first %d KiB, last %d KiB, peak %d KiB" % (samples[0][1], samples[-1][1], max(v for _, v in samples)))
    print("slope: %+.0f KiB/h over the run, %+.0f KiB/h over the second half" % (slope_kib_per_hour(samples),
                                                                                 slope_kib_per_hour(half)))
    print("requests %d, 503 busy then retried %d, 5xx or no answer %d, source polls %s" % (
        sum(x.requests for x in loads), sum(x.busy for x in loads), len(errors),
        [s.get("polls") for s in (polls if isinstance(polls, list) else polls.get("items", []))]))
    for e in errors[:10]:
        print("  " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
