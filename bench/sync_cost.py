#!/usr/bin/env python3
"""What a durability setting costs: import and checkout throughput of one or more fleetkeepd binaries.

Each binary gets a fresh state directory and the same work, in turns (A B A B ...) so a machine that gets
busier part-way hurts every binary alike: imports of --import-rows new devices, then --pairs checkout +
return pairs from one client and from --clients clients at once (each on its own devices). Prints the
median of the rounds per binary. Used to choose `PRAGMA synchronous` (docs/reliability.md): build the
daemon once per setting and pass each as LABEL=PATH.

    bench/sync_cost.py normal=/tmp/fk_normal full=/tmp/fk_full --rounds 3
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def post(daemon, path, body, content_type="application/json"):
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    status, raw = benchlib.request(daemon.base + path, daemon.token, data, content_type, timeout=600)
    return status, json.loads(raw) if raw else None


def run_round(binary, work, args, round_no):
    d = benchlib.Daemon(binary, work, suffix="-" + round_no)
    d.start()
    try:
        people = "external_id,name,role\n" + "".join("P%04d,Person %d,student\n" % (i, i) for i in range(50))
        post(d, "/api/v1/people:import", people, "text/csv")
        import_secs = []
        for n in range(args.imports):
            rows = "asset_tag,serial,kind,location\n" + "".join(
                "I%d-%06d,SI%d-%06d,laptop,Depot\n" % (n, i, n, i) for i in range(args.import_rows))
            t = time.perf_counter()
            status, _ = post(d, "/api/v1/devices:import", rows, "text/csv")
            import_secs.append(time.perf_counter() - t)
            if status != 200:
                d.fail("import answered %d" % status)
        devices = args.clients * 20
        base = "asset_tag,serial,kind\n" + "".join("C-%04d,SC-%04d,chromebook\n" % (i, i) for i in range(devices))
        post(d, "/api/v1/devices:import", base, "text/csv")

        def lend_and_return(tags, pairs):
            for i in range(pairs):
                tag = tags[i % len(tags)]
                status, body = post(d, "/api/v1/checkouts", {"device": "tag:" + tag, "person": "P%04d" % (i % 50)})
                if status != 201:
                    d.fail("checkout answered %d" % status)
                post(d, "/api/v1/checkouts/%d/return" % body["id"], {})

        all_tags = ["C-%04d" % i for i in range(devices)]
        t = time.perf_counter()
        lend_and_return(all_tags[:20], args.pairs)
        single = 2 * args.pairs / (time.perf_counter() - t)
        threads = [threading.Thread(target=lend_and_return, args=(all_tags[c::args.clients], args.pairs // args.clients))
                   for c in range(args.clients)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        multi = 2 * (args.pairs // args.clients) * args.clients / (time.perf_counter() - t)
        return {"import_rows_per_s": args.import_rows / statistics.median(import_secs),
                "writes_per_s_1_client": single, "writes_per_s_n_clients": multi}
    finally:
        d.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH to a fleetkeepd")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--imports", type=int, default=3, help="imports per round")
    parser.add_argument("--import-rows", type=int, default=20000)
    parser.add_argument("--pairs", type=int, default=300, help="checkout + return pairs per client run")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    binaries = [b.split("=", 1) for b in args.binaries]
    results = {label: [] for label, _ in binaries}
    with tempfile.TemporaryDirectory(prefix="fleetkeep-sync-") as work:
        for r in range(args.rounds):
            for label, path in binaries:
                results[label].append(run_round(path, work, args, "%s-%d" % (label, r)))
                print("round %d %s: %s" % (r + 1, label, {k: round(v) for k, v in results[label][-1].items()}),
                      flush=True)
    print("median of %d rounds (imports of %d rows; checkout+return pairs: %d, %d clients):"
          % (args.rounds, args.import_rows, args.pairs, args.clients))
    for label, runs in results.items():
        med = {k: round(statistics.median(run[k] for run in runs)) for k in runs[0]}
        print("  %-8s import %6d rows/s   writes %5d/s (1 client)   %5d/s (%d clients)"
              % (label, med["import_rows_per_s"], med["writes_per_s_1_client"], med["writes_per_s_n_clients"],
                 args.clients))


if __name__ == "__main__":
    main()
