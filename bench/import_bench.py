#!/usr/bin/env python3
"""Times a bulk CSV import through the real fleetkeepd against the sqlite3 shell's `.import`.

Generates N devices (bench/gen_fleet.py), starts fleetkeepd on 127.0.0.1 (port 0) with a fresh state
directory, times POST /api/v1/devices:import of the file, reads the daemon's resident memory, then
times the sqlite3 shell importing the same CSV into a bare table with the same columns in a fresh
database. The sqlite3 figure is the floor: a plain insert with no validation, indexes, events or
version bookkeeping. Exits non-zero if either import does not end with exactly N rows.

    bench/import_bench.py --rows 100000 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error

# The generator sits beside this script; importing it must not leave __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import gen_fleet  # noqa: E402


def bench_fleetkeepd(args, work, body):
    limit_mib = max(256, 2 * len(body) // (1 << 20) + 16)
    daemon = benchlib.Daemon(args.fleetkeepd, work, "log_level: warn\nlimits:\n  import_body_bytes: %dMiB\n" % limit_mib)
    try:
        daemon.start()
        before = daemon.memory()

        cpu_start = daemon.cpu_seconds()
        start = time.perf_counter()
        try:
            status, reply = daemon.call("/api/v1/devices:import", body, "text/csv")
        except urllib.error.HTTPError as e:
            daemon.fail("import refused: HTTP %d %s" % (e.code, e.read()[:2000].decode("utf-8", "replace")))
        import_seconds = time.perf_counter() - start
        import_cpu = daemon.cpu_seconds() - cpu_start
        summary = json.loads(reply)
        if status != 200 or summary.get("created") != args.rows:
            daemon.fail("import answered %d %s, expected %d created" % (status, summary, args.rows))
        after = daemon.memory()

        # After a write the metrics' timer recounts the fleet (and plans it): wait for that, so the
        # export's figures are its own. Its peak is the daemon's, after the import's.
        start = time.monotonic()
        while True:
            _, text = daemon.call("/metrics")
            if sum(float(line.rsplit(b" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(b"fleetkeep_devices{")) == args.rows:
                break
            if time.monotonic() - start > 600:
                daemon.fail("fleetkeep_devices never reached %d" % args.rows)
            time.sleep(0.2)
        # The rest of the refresh (the plan's gauges) and the checkpoint may still run: wait until the
        # daemon is idle (under 20 ms of CPU in a second).
        while True:
            cpu = daemon.cpu_seconds()
            time.sleep(1)
            if daemon.cpu_seconds() - cpu < 0.02:
                break
            if time.monotonic() - start > 600:
                daemon.fail("fleetkeepd never went idle after the import")
        settled = daemon.memory()

        # Reading the whole registry back is the other bulk path operators use. Its own peak: writing 5
        # to clear_refs resets VmHWM to the current RSS (proc(5)), so the import's peak is not counted.
        with open("/proc/%d/clear_refs" % daemon.proc.pid, "w", encoding="ascii") as f:
            f.write("5")
        start = time.perf_counter()
        _, exported = daemon.call("/api/v1/devices:export")
        export_seconds = time.perf_counter() - start
        export_memory = daemon.memory()
        exported_rows = exported.count(b"\n") - 1
        del exported
        if exported_rows < args.rows:
            daemon.fail("export returned %d rows, expected %d" % (exported_rows, args.rows))
    finally:
        daemon.stop(timeout=30)
    daemon.check_clean_exit()
    return {"import": import_seconds, "import_cpu": import_cpu, "export": export_seconds,
            "before": before, "after": after, "settled": settled, "export_memory": export_memory, "db_bytes": daemon.db_bytes()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", "-n", type=int, default=100000, help="devices to import (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd", help="daemon binary")
    parser.add_argument("--sqlite3", default="sqlite3", help="sqlite3 shell")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--csv", help="import this file (gen_fleet.py's output for --rows and --seed) "
                                      "instead of generating it: a million rows take a while to generate")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be >= 1")
    benchlib.check_tools(parser, args)

    work = tempfile.mkdtemp(prefix="fleetkeep-bench-")
    try:
        csv_path = args.csv or os.path.join(work, "fleet.csv")
        if not args.csv:
            with open(csv_path, "w", newline="", encoding="utf-8") as out:
                gen_fleet.write_fleet(out, args.rows, args.seed)
        with open(csv_path, "rb") as f:
            body = f.read()

        fk = bench_fleetkeepd(args, work, body)
        bare, bare_cpu = benchlib.sqlite3_import(args.sqlite3, work, csv_path, gen_fleet.COLUMNS, args.rows)

        mib = len(body) / (1 << 20)
        print("rows:                 %d (%.1f MiB CSV, seed %d)" % (args.rows, mib, args.seed))
        print("fleetkeepd import:    %.3f s  (%.0f rows/s), %.2f s CPU"
              % (fk["import"], args.rows / fk["import"], fk["import_cpu"]))
        print("sqlite3 .import:      %.3f s  (%.0f rows/s), %.2f s CPU" % (bare, args.rows / bare, bare_cpu))
        # CPU time is the steadier figure on a shared machine: other load stretches wall time unevenly.
        print("ratio fleetkeepd/sqlite3: %.1fx (CPU %.1fx)"
              % (fk["import"] / bare, fk["import_cpu"] / max(bare_cpu, 0.01)))
        print("fleetkeepd export:    %.3f s  (%.0f rows/s)" % (fk["export"], args.rows / fk["export"]))
        print("fleetkeepd RSS:       %.1f MiB before, %.1f MiB after, peak (VmHWM) %.1f MiB"
              % (fk["before"]["VmRSS"] / 1024, fk["after"]["VmRSS"] / 1024, fk["after"]["VmHWM"] / 1024))
        print("fleetkeepd metrics:   peak (VmHWM) %.1f MiB once the gauges counted the new fleet (idle)"
              % (fk["settled"]["VmHWM"] / 1024))
        print("fleetkeepd export:    RSS %.1f MiB at its start, peak (VmHWM from its start) %.1f MiB"
              % (fk["settled"]["VmRSS"] / 1024, fk["export_memory"]["VmHWM"] / 1024))
        print("fleetkeepd database:  %.1f MiB (db + wal)" % (fk["db_bytes"] / (1 << 20)))
    finally:
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
