"""The live /metrics of a seeded daemon against the contract: families, types and label names (golden,
tests/integration/metrics_contract.txt), every metric the shipped rules and dashboard use, and promtool's
lint of the whole exposition.

A family that is in the contract but not exported fails the test with its name: that is a real gap
between what the alerts and dashboard read and what the daemon serves.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import unittest

import monitoring_seed

sys.path.insert(0, os.path.join(monitoring_seed.REPO, "tests"))
import check_monitoring  # noqa: E402

CONTRACT = check_monitoring.load_contract(monitoring_seed.REPO)
SETTLE = 20.0  # gauges refresh on a 5 s timer; sources poll at start
TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)$")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"')


def families(text):
    """{family: (type, sorted label names)} from an exposition; histogram series fold into their family."""
    types, labels = {}, {}
    for line in text.splitlines():
        m = TYPE_LINE.match(line)
        if m:
            types[m.group(1)] = m.group(2)
            labels.setdefault(m.group(1), set())
            continue
        m = SAMPLE.match(line)
        if not m or line.startswith("#"):
            continue
        name = m.group(1)
        if name not in types:
            for suffix in check_monitoring.HISTOGRAM_SUFFIXES:
                if name.endswith(suffix) and name[: -len(suffix)] in types:
                    name = name[: -len(suffix)]
        labels.setdefault(name, set()).update(k for k in LABEL.findall(m.group(2) or "") if k != "le")
    return {name: (types.get(name, "untyped"), sorted(labels[name]))
            for name in labels if name.startswith("fleetkeep_")}


class MetricsContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d, cls.notes = monitoring_seed.make_daemon(cls.addClassCleanup)
        cls.notes += monitoring_seed.seed(cls.d)
        # Wait until the exposition stops gaining families (or has them all).
        deadline, last, stable_since = time.monotonic() + SETTLE, None, time.monotonic()
        while time.monotonic() < deadline:
            cls.text = cls.d.get("/metrics", token=None).text
            found = set(families(cls.text))
            if found >= set(CONTRACT):
                break
            if found != last:
                last, stable_since = found, time.monotonic()
            elif time.monotonic() - stable_since > 7:  # more than one refresh period without change
                break
            time.sleep(0.5)
        cls.live = families(cls.text)

    def explain(self, missing):
        lines = ["missing from the live /metrics: " + ", ".join(sorted(missing))]
        if self.notes:
            lines.append("seeding steps the daemon refused or skipped: " + "; ".join(self.notes))
        return "\n".join(lines)

    def test_exposition_matches_the_contract(self):
        missing = set(CONTRACT) - set(self.live)
        unexpected = set(self.live) - set(CONTRACT)
        wrong = ["%s: contract %s {%s}, exported %s {%s}" % (n, CONTRACT[n][0], ",".join(CONTRACT[n][1]),
                                                           self.live[n][0], ",".join(self.live[n][1]))
                 for n in sorted(set(CONTRACT) & set(self.live))
                 if (CONTRACT[n][0], CONTRACT[n][1]) != self.live[n]]
        problems = []
        if missing:
            problems.append(self.explain(missing))
        if unexpected:
            problems.append("exported but not in the contract (add to interfaces.md, docs/metrics.md and "
                            "metrics_contract.txt, or rename): " + ", ".join(sorted(unexpected)))
        problems += wrong
        if problems:
            self.fail("\n".join(problems))

    def test_rules_and_dashboard_read_only_exported_metrics(self):
        used = check_monitoring.referenced_families(monitoring_seed.REPO)
        missing = used - set(self.live)
        if missing:
            self.fail("the alert rules or the dashboard read metrics the daemon does not export.\n"
                      + self.explain(missing))

    def test_promtool_accepts_the_seeded_exposition(self):
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool not installed (Debian package prometheus)")
        r = subprocess.run([promtool, "check", "metrics"], input=self.text.encode(), capture_output=True,
                           timeout=30)
        out = (r.stdout + r.stderr).decode()
        problems = [line for line in out.splitlines() if line.strip()]
        self.assertIn(r.returncode, (0, 3), out)
        self.assertEqual(problems, [], out)


if __name__ == "__main__":
    unittest.main()
