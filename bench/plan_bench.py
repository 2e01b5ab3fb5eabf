#!/usr/bin/env python3
"""Times GET /api/v1/reports/replacement-plan over HTTP on a generated fleet (default 100,000 devices).

Generates the fleet with gen_fleet.py, starts the real fleetkeepd in a temporary directory with a small
catalog, imports the CSV, then requests the plan (JSON, CSV, JSON with a budget) several times and
prints the median wall time of each, with the body size. plan_bench.cpp times the same handler without
the network.

    bench/plan_bench.py --rows 100000 --fleetkeepd build/bin/fleetkeepd
"""

import argparse
import io
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import gen_fleet  # noqa: E402
import fleetkeepd  # noqa: E402

CONFIG = """fiscal_year_start: "07-01"
planning:
  replacement_model: {chromebook: "HP Chromebook 11 G9 EE", laptop: "Dell Latitude 3440"}
models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "289.00", life_years: 5, aue_date: 2028-06-01}
  - {model: "Dell Latitude 3440", kind: laptop, unit_cost: "899.00", life_years: 4}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", "-n", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    args = parser.parse_args()
    os.environ["FLEETKEEPD"] = os.path.abspath(args.fleetkeepd)

    d = fleetkeepd.Daemon(CONFIG)
    try:
        d.start()
        out = io.StringIO()
        gen_fleet.write_fleet(out, args.rows, args.seed)
        r = d.import_csv(out.getvalue(), timeout=600)
        if r.status != 200:
            raise SystemExit("import failed: %r" % r)
        for label, query in (("json", ""), ("csv", "?format=csv"), ("json+budget", "?budget=2000000")):
            times, size = [], 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                r = d.get("/api/v1/reports/replacement-plan" + query, timeout=120)
                times.append(time.perf_counter() - start)
                if r.status != 200:
                    raise SystemExit("plan failed: %r" % r)
                size = len(r.body)
            print("%-12s median %6.0f ms  (min %6.0f ms)  body %5.1f MB  devices %d"
                  % (label, statistics.median(times) * 1000, min(times) * 1000, size / 1e6, args.rows))
    finally:
        d.stop()
        d.cleanup()


if __name__ == "__main__":
    main()
