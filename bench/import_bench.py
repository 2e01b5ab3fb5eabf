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
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# The generator sits beside this script; importing it must not leave __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fleet  # noqa: E402


def fail(message, log_path=None):
    print("import_bench: " + message, file=sys.stderr)
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as log:
            tail = log.readlines()[-30:]
        print("--- fleetkeepd log (last lines) ---", file=sys.stderr)
        sys.stderr.writelines(tail)
    sys.exit(1)


def wait_for_file(path, proc, timeout, log_path):
    """Returns the stripped contents once the file exists and ends with a newline (written whole)."""
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


def request(url, token=None, data=None, content_type=None, timeout=3600):
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if content_type:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


def proc_memory(pid):
    """VmRSS and VmHWM (peak resident) in KiB, from /proc."""
    values = {}
    with open("/proc/%d/status" % pid, encoding="utf-8") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def proc_cpu_seconds(pid):
    """User + system CPU time the process has used so far (all threads), from /proc."""
    with open("/proc/%d/stat" % pid, encoding="utf-8") as f:
        fields = f.read().rpartition(")")[2].split()
    # After the command name: state is field 3 of stat(5), utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_fleetkeepd(args, work, csv_path, body):
    state = os.path.join(work, "state")
    config = os.path.join(work, "fleetkeepd.yaml")
    limit_mib = max(256, 2 * len(body) // (1 << 20) + 16)
    with open(config, "w", encoding="utf-8") as f:
        f.write("listen: 127.0.0.1:0\n"
                "state_dir: %s\n"
                "log_level: warn\n"
                "limits:\n"
                "  import_body_bytes: %dMiB\n" % (state, limit_mib))
    log_path = os.path.join(work, "fleetkeepd.log")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([args.fleetkeepd, "--config", config], stdout=log, stderr=subprocess.STDOUT)
    try:
        port = wait_for_file(os.path.join(state, "port"), proc, 30, log_path)
        token = wait_for_file(os.path.join(state, "admin.token"), proc, 30, log_path)
        base = "http://127.0.0.1:%s" % port
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(base + "/readyz", timeout=5)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                fail("fleetkeepd never became ready", log_path)
            time.sleep(0.05)
        before = proc_memory(proc.pid)

        cpu_start = proc_cpu_seconds(proc.pid)
        start = time.perf_counter()
        try:
            status, reply = request(base + "/api/v1/devices:import", token, body, "text/csv")
        except urllib.error.HTTPError as e:
            fail("import refused: HTTP %d %s" % (e.code, e.read()[:2000].decode("utf-8", "replace")), log_path)
        import_seconds = time.perf_counter() - start
        import_cpu = proc_cpu_seconds(proc.pid) - cpu_start
        summary = json.loads(reply)
        if status != 200 or summary.get("created") != args.rows:
            fail("import answered %d %s, expected %d created" % (status, summary, args.rows), log_path)
        after = proc_memory(proc.pid)

        # Reading the whole registry back is the other bulk path operators use.
        start = time.perf_counter()
        _, exported = request(base + "/api/v1/devices:export", token)
        export_seconds = time.perf_counter() - start
        exported_rows = exported.count(b"\n") - 1
        if exported_rows < args.rows:
            fail("export returned %d rows, expected %d" % (exported_rows, args.rows), log_path)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                fail("fleetkeepd did not stop within 30 s of SIGTERM", log_path)
    if proc.returncode != 0:
        fail("fleetkeepd exited with status %d after SIGTERM" % proc.returncode, log_path)
    return {"import": import_seconds, "import_cpu": import_cpu, "export": export_seconds,
            "before": before, "after": after,
            "db_bytes": sum(os.path.getsize(os.path.join(state, n)) for n in os.listdir(state)
                            if n.endswith((".db", ".db-wal")))}


def bench_sqlite3(args, work, csv_path):
    db = os.path.join(work, "bare.db")
    columns = ", ".join("%s TEXT" % c for c in gen_fleet.COLUMNS)
    script = "CREATE TABLE devices (%s);\n.import --csv --skip 1 '%s' devices\n" % (columns, csv_path)
    start = time.perf_counter()
    cpu_start = os.times()
    done = subprocess.run([args.sqlite3, db], input=script, text=True, capture_output=True)
    seconds = time.perf_counter() - start
    cpu_end = os.times()
    cpu = (cpu_end.children_user - cpu_start.children_user) + (cpu_end.children_system - cpu_start.children_system)
    if done.returncode != 0 or done.stderr.strip():
        fail("sqlite3 import failed: " + done.stderr.strip())
    count = subprocess.run([args.sqlite3, db, "SELECT count(*) FROM devices;"], text=True,
                           capture_output=True, check=True).stdout.strip()
    if count != str(args.rows):
        fail("sqlite3 imported %s rows, expected %d" % (count, args.rows))
    return seconds, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", "-n", type=int, default=100000, help="devices to import (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd", help="daemon binary")
    parser.add_argument("--sqlite3", default="sqlite3", help="sqlite3 shell")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be >= 1")
    if not os.access(args.fleetkeepd, os.X_OK):
        parser.error("%s is not an executable (build it, or pass --fleetkeepd)" % args.fleetkeepd)
    if shutil.which(args.sqlite3) is None:
        parser.error("%s not found (Debian package sqlite3)" % args.sqlite3)

    work = tempfile.mkdtemp(prefix="fleetkeep-bench-")
    try:
        csv_path = os.path.join(work, "fleet.csv")
        with open(csv_path, "w", newline="", encoding="utf-8") as out:
            gen_fleet.write_fleet(out, args.rows, args.seed)
        with open(csv_path, "rb") as f:
            body = f.read()

        fk = bench_fleetkeepd(args, work, csv_path, body)
        bare, bare_cpu = bench_sqlite3(args, work, csv_path)

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
        print("fleetkeepd database:  %.1f MiB (db + wal)" % (fk["db_bytes"] / (1 << 20)))
    finally:
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
