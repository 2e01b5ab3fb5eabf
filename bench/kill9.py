#!/usr/bin/env python3
"""kill -9 safety: SIGKILLs the real fleetkeepd at random moments under writes and checks what survives.

Each round starts fleetkeepd on the same state directory, runs imports, checkouts/returns and a csv_import
source's polls against it at once, kills it with SIGKILL after a random delay, and then opens the
database file itself (Python's sqlite3, which recovers the WAL as the daemon would) to check:

- `PRAGMA integrity_check` answers ok;
- every write acknowledged (2xx received) before the kill is there: each acknowledged import's rows,
  each acknowledged checkout and return, the source generation a client read before the kill;
- nothing is half-applied: an import's rows are all there or none (its update of a shared counter row
  included), a device is `deployed` exactly when it has an open checkout, and every device of the
  source carries the same generation (a poll is one transaction).

Usage: bench/kill9.py [--kills 100] [--seed N] [--fleetkeepd build/bin/fleetkeepd]
Prints one line per round and a summary; exits 1 on the first failed check (with the daemon's log tail).
Standard library only.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BASE_DEVICES = 60      # lent and returned by the checkout workers
PEOPLE = 40
SOURCE_DEVICES = 200   # the csv_import source's listing
CHECKOUT_WORKERS = 3


class Killed(Exception):
    """The daemon went away under a request: its outcome is unknown."""


def call(base, token, method, path, body=None, content_type=None, timeout=30):
    """(status, parsed JSON or None); raises Killed when no answer came back."""
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        content_type = content_type or "application/json"
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise Killed(str(e)) from e


class Daemon:
    """fleetkeepd on 127.0.0.1:0 over one state directory that outlives each process."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.state = os.path.join(work, "state")
        self.db = os.path.join(self.state, "fleetkeep.db")
        self.config = os.path.join(work, "fleetkeepd.yaml")
        self.log = os.path.join(work, "fleetkeepd.log")
        self.proc = None
        with open(self.config, "w", encoding="utf-8") as f:
            f.write("listen: 127.0.0.1:0\nstate_dir: %s\ndatabase: fleetkeep.db\nlog_level: warn\n"
                    "sources:\n  - name: listing\n    plugin: csv_import\n    interval: 1s\n"
                    "    path: %s\n" % (self.state, os.path.join(work, "listing.csv")))

    def start(self):
        port_file = os.path.join(self.state, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        with open(self.log, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen([self.binary, "--config", self.config], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port = benchlib.wait_for_file(port_file, self.proc, 30, self.log)
        self.token = benchlib.wait_for_file(os.path.join(self.state, "admin.token"), self.proc, 30, self.log)
        self.base = "http://127.0.0.1:%s" % port
        deadline = time.monotonic() + 30
        while True:
            try:
                if benchlib.request(self.base + "/readyz", timeout=5)[0] == 200:
                    return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                benchlib.fail("fleetkeepd never became ready", self.log)
            time.sleep(0.02)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        if self.proc.wait(30) != 0:
            benchlib.fail("fleetkeepd exited with %d after SIGTERM" % self.proc.returncode, self.log)


def write_listing(work, generation):
    """The source's file, replaced whole (rename): every row says location gen-<generation>."""
    path = os.path.join(work, "listing.csv")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("asset_tag,serial,kind,location\n")
        for i in range(SOURCE_DEVICES):
            f.write("SRC-%04d,SSRC-%04d,chromebook,gen-%d\n" % (i, i, generation))
    os.replace(tmp, path)


class Ledger:
    """What the driver knows was acknowledged, and what is in flight (outcome unknown) at the kill."""

    def __init__(self):
        self.imports = {}        # seq -> {"rows": n, "state": "sent", "acked" or "absent"}
        self.next_import = 0
        self.devices = {}        # BASE tag -> "in", ("out", checkout id) or "unknown"
        self.generation = 0      # last listing written
        self.seen_generation = -1  # highest generation a client read back from the daemon
        self.acked = {"imports": 0, "checkouts": 0, "returns": 0}
        self.lock = threading.Lock()


def import_worker(d, ledger, rng, stop, started):
    while not stop.is_set():
        with ledger.lock:
            seq = ledger.next_import
            ledger.next_import += 1
        rows = rng.randint(50, 400)
        lines = ["asset_tag,serial,kind,location,notes"]
        lines += ["IMP-%06d-%04d,SIMP-%06d-%04d,laptop,Depot,import %d" % (seq, i, seq, i, seq) for i in range(rows)]
        lines.append("IMPCOUNTER,SIMPCOUNTER,other,Depot,import %d" % seq)  # an update in every import
        ledger.imports[seq] = {"rows": rows, "state": "sent"}
        started.set()
        try:
            status, _ = call(d.base, d.token, "POST", "/api/v1/devices:import", "\n".join(lines) + "\n", "text/csv")
        except Killed:
            return
        if status != 200:
            benchlib.fail("import %d answered %d" % (seq, status), d.log)
        ledger.imports[seq]["state"] = "acked"
        ledger.acked["imports"] += 1


def checkout_worker(d, ledger, tags, rng, stop):
    while not stop.is_set():
        tag = rng.choice(tags)
        state = ledger.devices[tag]
        ledger.devices[tag] = "unknown"  # until an answer says otherwise
        try:
            if state == "in":
                person = "P%04d" % rng.randrange(PEOPLE)
                status, body = call(d.base, d.token, "POST", "/api/v1/checkouts",
                                    {"device": "tag:" + tag, "person": person})
                if status != 201:
                    benchlib.fail("checkout of %s answered %d" % (tag, status), d.log)
                ledger.devices[tag] = ("out", body["id"])
                ledger.acked["checkouts"] += 1
            else:
                status, _ = call(d.base, d.token, "POST", "/api/v1/checkouts/%d/return" % state[1], {})
                if status != 200:
                    benchlib.fail("return of %s answered %d" % (tag, status), d.log)
                ledger.devices[tag] = "in"
                ledger.acked["returns"] += 1
        except Killed:
            return


def source_worker(d, ledger, stop):
    """Rewrites the listing, asks for a poll, and reads back which generation the registry holds."""
    while not stop.is_set():
        ledger.generation += 1
        write_listing(d.work, ledger.generation)
        try:
            call(d.base, d.token, "POST", "/api/v1/sources/listing/poll")  # 409 while one runs: fine
            status, body = call(d.base, d.token, "GET", "/api/v1/devices/tag:SRC-0000")
        except Killed:
            return
        if status == 200:
            ledger.seen_generation = max(ledger.seen_generation, int(body["location"].split("-")[1]))


def verify(db_path, ledger, outcomes):
    """Checks the killed daemon's file; returns a list of failures (empty: all held)."""
    failures = []
    con = sqlite3.connect(db_path, timeout=30)
    try:
        check = con.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            failures.append("integrity_check: %r" % check[:5])
        present = dict(con.execute(
            "SELECT substr(asset_tag, 5, 6), count(*) FROM devices WHERE asset_tag GLOB 'IMP-*' GROUP BY 1"))
        counter = con.execute("SELECT notes FROM devices WHERE asset_tag = 'IMPCOUNTER'").fetchone()
        for seq, info in ledger.imports.items():
            have = present.get("%06d" % seq, 0)
            if have not in (0, info["rows"]):
                failures.append("import %d half-applied: %d of %d rows" % (seq, have, info["rows"]))
            if info["state"] == "acked" and have != info["rows"]:
                failures.append("import %d was acknowledged but %d of %d rows are there" % (seq, have, info["rows"]))
            elif info["state"] == "absent" and have:
                failures.append("import %d was not there after an earlier kill, now %d rows are" % (seq, have))
            elif info["state"] == "sent":
                outcomes["import_applied" if have else "import_absent"] += 1
                # What the file holds after the kill is the truth for the later rounds.
                info["state"] = "acked" if have else "absent"
        applied = [int(s) for s, n in present.items() if n]
        if applied and (counter is None or counter[0] != "import %d" % max(applied)):
            failures.append("IMPCOUNTER says %r, the last applied import is %d" % (counter, max(applied)))

        rows = con.execute(
            "SELECT d.asset_tag, d.status, c.id FROM devices d "
            "LEFT JOIN checkouts c ON c.device_id = d.id AND c.returned_at IS NULL "
            "WHERE d.asset_tag GLOB 'BASE-*'").fetchall()
        seen = set()
        for tag, status, open_id in rows:
            if tag in seen:
                failures.append("%s has two open checkouts" % tag)
            seen.add(tag)
            if (status == "deployed") != (open_id is not None):
                failures.append("%s is %s with open checkout %r: half-applied" % (tag, status, open_id))
            want = ledger.devices[tag]
            if want == "in" and open_id is not None:
                failures.append("%s: the acknowledged return is lost (checkout %d open)" % (tag, open_id))
            elif isinstance(want, tuple) and open_id != want[1]:
                failures.append("%s: acknowledged checkout %d is not the open one (%r)" % (tag, want[1], open_id))
            elif want == "unknown":
                outcomes["checkout_unknown"] += 1
            ledger.devices[tag] = ("out", open_id) if open_id is not None else "in"

        gens = {loc for (loc,) in con.execute("SELECT location FROM devices WHERE asset_tag GLOB 'SRC-*'")}
        count = con.execute("SELECT count(*) FROM devices WHERE asset_tag GLOB 'SRC-*'").fetchone()[0]
        if count not in (0, SOURCE_DEVICES) or len(gens) > 1:
            failures.append("source poll half-applied: %d devices, generations %s" % (count, sorted(gens)[:5]))
        elif gens:
            gen = int(next(iter(gens)).split("-")[1])
            if gen < ledger.seen_generation:
                failures.append("source generation %d was read back, the file holds %d" % (ledger.seen_generation, gen))
    finally:
        con.close()
    return failures


def setup(d, ledger):
    people = "external_id,name,role\n" + "".join("P%04d,Person %d,student\n" % (i, i) for i in range(PEOPLE))
    devices = "asset_tag,serial,kind,location\n" + "".join(
        "BASE-%04d,SBASE-%04d,chromebook,Depot\n" % (i, i) for i in range(BASE_DEVICES))
    for path, body in (("/api/v1/people:import", people), ("/api/v1/devices:import", devices)):
        status, _ = call(d.base, d.token, "POST", path, body, "text/csv")
        if status != 200:
            benchlib.fail("setup %s answered %d" % (path, status), d.log)
    for i in range(BASE_DEVICES):
        ledger.devices["BASE-%04d" % i] = "in"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed, so a run can be repeated)")
    parser.add_argument("--max-delay", type=float, default=1.5, help="longest wait before a kill, seconds")
    parser.add_argument("--fleetkeepd", default=os.path.join(root, "build", "bin", "fleetkeepd"))
    parser.add_argument("--work", default=None, help="directory to keep (default: a temporary one, removed)")
    args = parser.parse_args()
    benchlib.check_tools(parser, args)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = args.work or tempfile.mkdtemp(prefix="fleetkeep-kill9-")
    os.makedirs(work, exist_ok=True)
    print("kill9: seed %d, %d kills, work %s" % (seed, args.kills, work), flush=True)

    ledger = Ledger()
    write_listing(work, 0)
    d = Daemon(os.path.abspath(args.fleetkeepd), work)
    d.start()
    setup(d, ledger)
    outcomes = {"import_applied": 0, "import_absent": 0, "checkout_unknown": 0}
    tags = sorted(ledger.devices)
    t0 = time.monotonic()
    for n in range(1, args.kills + 1):
        stop, started = threading.Event(), threading.Event()
        workers = [threading.Thread(target=import_worker, args=(d, ledger, random.Random(rng.random()), stop, started)),
                   threading.Thread(target=source_worker, args=(d, ledger, stop))]
        for w in range(CHECKOUT_WORKERS):
            mine = tags[w::CHECKOUT_WORKERS]  # disjoint devices: the workers never contend for one
            workers.append(threading.Thread(target=checkout_worker,
                                            args=(d, ledger, mine, random.Random(rng.random()), stop)))
        for w in workers:
            w.start()
        started.wait(30)
        delay = rng.uniform(0.0, args.max_delay)
        time.sleep(delay)  # the random moment is the point: a kill anywhere in the write paths
        d.kill()
        stop.set()
        for w in workers:
            w.join()
        failures = verify(d.db, ledger, outcomes)
        print("kill %3d after %.2fs: imports acked %d, checkouts %d, returns %d; in flight at the kill: "
              "imports applied %d / absent %d, checkouts unknown %d -> %s"
              % (n, delay, ledger.acked["imports"], ledger.acked["checkouts"], ledger.acked["returns"],
                 outcomes["import_applied"], outcomes["import_absent"], outcomes["checkout_unknown"],
                 "ok" if not failures else "FAILED"), flush=True)
        if failures:
            for f in failures:
                print("  " + f, file=sys.stderr)
            benchlib.fail("kill %d: %d check(s) failed (work dir kept: %s)" % (n, len(failures), work), d.log)
        d.start()
    d.stop()
    print("kill9: %d kills, 0 failures in %.0fs; acknowledged: %d imports, %d checkouts, %d returns"
          % (args.kills, time.monotonic() - t0, ledger.acked["imports"], ledger.acked["checkouts"],
             ledger.acked["returns"]), flush=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
