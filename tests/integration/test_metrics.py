"""/metrics: open to scrapers, agrees with the API, bounded labels, valid exposition format."""

import collections
import os
import re
import shutil
import subprocess
import time
import unittest

from fleetkeepd import DaemonTestCase

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
REFRESH_WAIT = 15.0


def parse(text):
    """{name: [(labels dict, value)]} from the text exposition format."""
    out = collections.defaultdict(list)
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("unparsable exposition line: %r" % line)
        labels = dict(LABEL.findall(m.group(2) or ""))
        out[m.group(1)].append((labels, float(m.group(3))))
    return out


class Metrics(DaemonTestCase):
    def scrape(self):
        r = self.d.get("/metrics", token=None)
        self.assertStatus(r, 200)
        return r

    def wait_for(self, expected_fn, actual_fn, what):
        """Gauges refresh on a timer: poll until they agree, at most REFRESH_WAIT seconds."""
        deadline = time.monotonic() + REFRESH_WAIT
        while True:
            expected, actual = expected_fn(), actual_fn()
            if expected == actual:
                return
            if time.monotonic() > deadline:
                self.assertEqual(actual, expected, what + " never matched the API")
            time.sleep(0.25)

    def api_counts(self):
        counts = collections.Counter()
        for d in self.d.all_devices():
            counts[(d["status"], d["kind"])] += 1
        return dict(counts)

    def metric_counts(self):
        counts = {}
        for labels, value in parse(self.scrape().text).get("fleetkeep_devices", []):
            if value:
                counts[(labels["status"], labels["kind"])] = int(value)
        return counts

    def test_metrics_need_no_token_and_carry_build_info(self):
        r = self.scrape()
        self.assertTrue(r.headers.get("content-type", "").startswith("text/plain"), r.headers)
        samples = parse(r.text)
        self.assertIn("fleetkeep_build_info", samples)
        labels, value = samples["fleetkeep_build_info"][0]
        self.assertEqual(value, 1.0)
        self.assertRegex(labels.get("version", ""), r"^\d+\.\d+\.\d+")
        self.assertNotIn(self.d.token, r.text)

    def test_fleet_gauges_follow_the_api(self):
        self.wait_for(self.api_counts, self.metric_counts, "fleetkeep_devices (empty registry)")
        devices = [self.d.create_device(serial="MX-%d" % i, kind=kind, model=model, aue_date=aue)
                   for i, (kind, model, aue) in enumerate([
                       ("chromebook", "HP Chromebook 11 G9 EE", "2020-06-01"),
                       ("chromebook", "HP Chromebook 11 G9 EE", "2099-06-01"),
                       ("laptop", "Latitude 3140", None),
                       ("tablet", "iPad 9", None)])]
        for d in devices[:2]:
            self.assertStatus(self.d.post("/api/v1/devices/%d/transitions" % d["id"], {"to": "deployed"}), 200)
        self.wait_for(self.api_counts, self.metric_counts, "fleetkeep_devices after creates")
        self.assertEqual(self.metric_counts().get(("deployed", "chromebook")), 2)

        self.assertStatus(self.d.post("/api/v1/devices/%d/transitions" % devices[0]["id"], {"to": "in_repair"}), 200)
        self.wait_for(self.api_counts, self.metric_counts, "fleetkeep_devices after a transition")

        summary = self.d.get("/api/v1/reports/fleet-summary").json()
        self.assertEqual(summary["total"], 4)
        samples = parse(self.scrape().text)
        aue = {labels["within_days"]: int(v) for labels, v in samples.get("fleetkeep_devices_reaching_aue", [])}
        self.assertEqual(aue.get("0"), summary["aue"]["past"])
        self.assertEqual(aue.get("0"), 1)
        for days in ("90", "180", "365", "730"):
            self.assertEqual(aue.get(days), summary["aue"]["within_" + days], days)
        by_model = sum(v for _, v in samples.get("fleetkeep_devices_by_model", []))
        self.assertEqual(by_model, 4)

    def test_http_counter_uses_route_templates(self):
        dev = self.d.create_device(asset_tag="RT-77", serial="RTS-77")
        for path in ("/api/v1/devices/%d" % dev["id"], "/api/v1/devices/tag:RT-77",
                     "/api/v1/devices/serial:RTS-77/events", "/api/v1/devices/424242", "/no/such/path/31337"):
            self.d.get(path)
        samples = parse(self.scrape().text)
        routes = {labels["route"]: labels for labels, _ in samples.get("fleetkeep_http_requests_total", [])}
        self.assertIn("/api/v1/devices/{ref}", routes)
        self.assertIn("/api/v1/devices/{ref}/events", routes)
        codes = {(l["route"], l["code"]) for l, _ in samples["fleetkeep_http_requests_total"]}
        self.assertIn(("/api/v1/devices/{ref}", "200"), codes)
        self.assertIn(("/api/v1/devices/{ref}", "404"), codes)
        for route in routes:
            for raw in ("RT-77", "RTS-77", "424242", "31337", "tag:", "/no/such"):
                self.assertNotIn(raw, route, "raw path leaked into a route label")
            self.assertNotIn(str(dev["id"]), route.split("/"), "raw id leaked into a route label")
        self.assertIn("fleetkeep_http_request_duration_seconds_bucket", samples)

    def test_promtool_accepts_the_exposition(self):
        promtool = shutil.which("promtool") or ("/usr/bin/promtool" if os.path.exists("/usr/bin/promtool") else None)
        if promtool is None:
            self.skipTest("promtool not installed (Debian package prometheus); cannot lint /metrics")
        self.d.create_device(serial="PT-1", kind="chromebook")
        self.d.get("/api/v1/devices/serial:PT-1")
        self.d.get("/api/v1/devices/serial:missing")
        r = subprocess.run([promtool, "check", "metrics"], input=self.scrape().body, capture_output=True,
                           timeout=20)
        out = (r.stdout + r.stderr).decode()
        # Every lint fails the test: no family is exempt (fleetkeep_devices_reaching_aue replaced a name
        # promtool refused for its trailing "_days").
        problems = [l for l in out.splitlines() if l.strip()]
        self.assertIn(r.returncode, (0, 3), out)
        self.assertEqual(problems, [], out)


if __name__ == "__main__":
    unittest.main()
