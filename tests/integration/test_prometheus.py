"""The shipped rules and dashboard against a real Prometheus (and Alertmanager, when installed).

Prometheus (Debian package) runs on 127.0.0.1 with the shipped config/prometheus/fleetkeep-alerts.yml
loaded unchanged, scraping a real fleetkeepd every second. The test seeds devices through the API and
reads back through Prometheus's query API: the series and their values, the recording rules, an alert
going pending, every dashboard query parsing, and FleetkeepDown when the daemon stops.

An alert with a `for:` of 15 minutes cannot fire inside a test, and Prometheus sends only firing alerts
to Alertmanager. For the delivery path the test therefore also loads one extra rule file: the shipped
FleetkeepDevicesPastAUE block copied verbatim except `for: 0s` and a `copy` label. That alert must reach a
webhook receiver on 127.0.0.1 through Alertmanager with the shipped labels and annotations.
"""

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from fleetkeepd import DaemonTestCase, Daemon

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RULES = os.path.join(REPO, "config", "prometheus", "fleetkeep-alerts.yml")
DASHBOARD = os.path.join(REPO, "config", "grafana", "fleetkeep.json")
WAIT = 30.0  # a loaded 2-core machine: generous, but every wait polls and returns as soon as it can
FAST_ALERT = "FleetkeepDevicesPastAUE"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, data=None, timeout=10):
    req = urllib.request.Request(url, data=data)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def zero_for_copy(rules_text, alert):
    """The shipped rule block of `alert`, verbatim but for `for: 0s` and a `copy` label."""
    m = re.search(r"^( *)- alert: %s\n.*?(?=^ *- (?:alert|record):|^ *- name:|\Z)" % alert, rules_text,
                  re.M | re.S)
    if not m:
        raise AssertionError("alert %s not in %s" % (alert, RULES))
    block = re.sub(r"^(\s+)for: *\S+$", r"\1for: 0s", m.group(0), count=1, flags=re.M)
    block = re.sub(r"^(\s+)labels:\n", r'\1labels:\n\1  copy: "zero-for"\n', block, count=1, flags=re.M)
    return "groups:\n  - name: test-zero-for\n    rules:\n" + block


class Process:
    """A helper binary on 127.0.0.1 with its output in a log file; stopped with SIGTERM."""

    def __init__(self, argv, workdir, name):
        self.name = name
        self.log_path = os.path.join(workdir, name + ".log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=workdir)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()[-4000:]

    def wait_ready(self, url):
        deadline = time.monotonic() + WAIT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("%s exited with %d:\n%s" % (self.name, self.proc.returncode, self.log()))
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("%s not ready within %ss:\n%s" % (self.name, WAIT, self.log()))
            time.sleep(0.2)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Webhook(http.server.BaseHTTPRequestHandler):
    received = []  # replaced per server

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class PrometheusTest(DaemonTestCase):
    autostart = False

    @classmethod
    def setUpClass(cls):
        cls.prometheus = shutil.which("prometheus")
        if cls.prometheus is None:
            raise unittest.SkipTest("prometheus not installed (Debian package prometheus)")
        cls.alertmanager = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="fleetkeep-prom-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.d = self.start_daemon()
        self.received = None
        alerting = ""
        if self.alertmanager:
            alerting = self.start_alertmanager()
        with open(RULES, encoding="utf-8") as f:
            rules_text = f.read()
        fast_rules = os.path.join(self.work, "zero-for.yml")
        with open(fast_rules, "w", encoding="utf-8") as f:
            f.write(zero_for_copy(rules_text, FAST_ALERT))
        config = os.path.join(self.work, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                    "rule_files: [%s, %s]\n%s"
                    "scrape_configs:\n"
                    "  - job_name: fleetkeep\n"
                    "    static_configs: [{targets: ['127.0.0.1:%d']}]\n"
                    % (json.dumps(os.path.abspath(RULES)), json.dumps(fast_rules), alerting, self.d.port))
        port = free_port()
        self.prom_url = "http://127.0.0.1:%d" % port
        prom = Process([self.prometheus, "--config.file=" + config,
                        "--storage.tsdb.path=" + os.path.join(self.work, "tsdb"),
                        "--web.listen-address=127.0.0.1:%d" % port], self.work, "prometheus")
        self.addCleanup(prom.stop)
        prom.wait_ready(self.prom_url + "/-/ready")
        self.prom = prom

    def start_alertmanager(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), Webhook)
        server.received = []
        self.received = server.received
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        config = os.path.join(self.work, "alertmanager.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 1s}\n"
                    "receivers:\n  - name: hook\n    webhook_configs:\n"
                    "      - {url: 'http://127.0.0.1:%d/alert', send_resolved: false}\n" % server.server_port)
        port = free_port()
        am = Process([self.alertmanager, "--config.file=" + config,
                      "--storage.path=" + os.path.join(self.work, "am"),
                      "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address="],
                     self.work, "alertmanager")
        self.addCleanup(am.stop)
        am.wait_ready("http://127.0.0.1:%d/-/ready" % port)
        return "alerting: {alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]}\n" % port

    # --- Prometheus API ---------------------------------------------------------------------------
    def query(self, expr):
        url = self.prom_url + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            reply = http_json(url)
        except urllib.error.HTTPError as e:
            reply = json.loads(e.read())
        return reply

    def values(self, expr):
        reply = self.query(expr)
        self.assertEqual(reply.get("status"), "success", "%s: %s" % (expr, reply))
        return {tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in reply["data"]["result"]}

    def eventually(self, what, fn):
        """Polls fn() until it returns something truthy; fails with the last value after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        while True:
            result = fn()
            if result:
                return result
            if time.monotonic() > deadline:
                self.fail("%s: not within %ss; last %r\nprometheus log:\n%s" % (what, WAIT, result, self.prom.log()))
            time.sleep(0.3)

    def scalar(self, expr):
        v = self.values(expr)
        return next(iter(v.values())) if len(v) == 1 else None

    def alerts(self, name):
        reply = http_json(self.prom_url + "/api/v1/alerts")
        return [a for a in reply["data"]["alerts"] if a["labels"].get("alertname") == name]

    # --- tests ------------------------------------------------------------------------------------
    def seed(self):
        made = [self.d.create_device(serial="PR-%d" % i, kind=kind, model=model, aue_date=aue)
                for i, (kind, model, aue) in enumerate([
                    ("chromebook", "HP Chromebook 11 G9 EE", "2020-06-01"),
                    ("chromebook", "HP Chromebook 11 G9 EE", "2021-06-01"),
                    ("chromebook", "HP Chromebook 11 G9 EE", "2099-06-01"),
                    ("laptop", "Dell Latitude 3440", None),
                    ("chromebook", "Dell Chromebook 3100", "2019-06-01")])]
        for dev in made[:4]:
            self.assertStatus(self.d.post("/api/v1/devices/%d/transitions" % dev["id"], {"to": "deployed"}), 200)
        # A loaner in stock (one is fewer than FleetkeepLoanerPoolLow's 3) and one open loan.
        self.d.create_device(serial="PR-LOANER", kind="chromebook", loaner=True)
        lent = self.d.create_device(serial="PR-LENT", kind="laptop")
        self.assertStatus(self.d.post("/api/v1/people", {"external_id": "S777", "name": "Grace Hopper",
                                                         "role": "staff"}), 201)
        self.assertStatus(self.d.post("/api/v1/checkouts", {"device": "serial:PR-LENT", "person": "S777",
                                                            "due": "2099-06-15"}), 201)
        # Retired devices are out of service: not past AUE, not in the in-service sum.
        self.assertStatus(self.d.post("/api/v1/devices/%d/transitions" % made[4]["id"],
                                      {"to": "retired", "reason": "end of life"}), 200)
        return made

    def test_series_rules_alerts_and_dashboard_queries(self):
        made = self.seed()
        up = self.eventually("up{job=fleetkeep} == 1", lambda: self.scalar('up{job="fleetkeep"}') == 1.0)
        self.assertTrue(up)

        def by_status():
            return {dict(k)["status"]: v for k, v in
                    self.values('sum by (status) (fleetkeep_devices{job="fleetkeep"})').items() if v}
        expected = {"deployed": 5.0, "in_stock": 1.0, "retired": 1.0}  # the loan deploys PR-LENT
        self.eventually("fleetkeep_devices by status == %s" % expected, lambda: by_status() == expected)
        self.assertEqual(self.scalar('fleetkeep_devices{status="deployed",kind="chromebook"}'), 3.0)
        self.assertEqual(self.scalar('fleetkeep_devices_reaching_aue{within_days="0"}'), 2.0)

        # Recording rules from the shipped file are evaluated by this Prometheus.
        self.eventually("instance:fleetkeep_devices_in_service:sum == 6",
                        lambda: self.scalar("instance:fleetkeep_devices_in_service:sum") == 6.0)
        self.eventually("fleetkeep_checkouts_open == 1", lambda: self.scalar("fleetkeep_checkouts_open") == 1.0)
        self.assertEqual(self.scalar("fleetkeep_checkouts_overdue"), 0.0)
        self.eventually("fleetkeep_loaners_available == 1",
                        lambda: self.scalar("fleetkeep_loaners_available") == 1.0)
        # No catalog in this daemon: every model counts as "other", none in repair yet.
        self.eventually("devices in repair per 100 {model=other} == 0", lambda: self.scalar(
            'model:fleetkeep_devices_in_repair:per_100_devices{model="other"}') == 0.0)

        # The shipped alert (for: 15m) is pending, with the shipped labels and annotations.
        pending = self.eventually("%s pending" % FAST_ALERT, lambda: [
            a for a in self.alerts(FAST_ALERT) if "copy" not in a["labels"] and a["state"] == "pending"])
        alert = pending[0]
        self.assertEqual(alert["labels"]["severity"], "warning")
        self.assertEqual(alert["labels"]["instance"], "127.0.0.1:%d" % self.d.port)
        self.assertTrue(alert["annotations"]["runbook_url"].endswith("docs/alerts.md#fleetkeepdevicespastaue"))
        self.assertIn("2 in-service devices", alert["annotations"]["summary"])
        self.assertEqual(self.alerts("FleetkeepDown"), [])
        low = self.eventually("FleetkeepLoanerPoolLow pending",
                              lambda: [a for a in self.alerts("FleetkeepLoanerPoolLow") if a["state"] == "pending"])
        self.assertEqual(low[0]["annotations"]["summary"], "Only 1 loaners available on 127.0.0.1:%d" % self.d.port)
        self.assertEqual(self.alerts("FleetkeepOverdueLoans"), [])

        # A change in the registry reaches Prometheus: one more device past AUE.
        current = self.d.get("/api/v1/devices/%d" % made[2]["id"]).json()
        self.assertStatus(self.d.patch("/api/v1/devices/%d" % made[2]["id"],
                                       {"aue_date": "2022-01-01", "version": current["version"]}), 200)
        self.eventually("past AUE == 3",
                        lambda: self.scalar('fleetkeep_devices_reaching_aue{within_days="0"}') == 3.0)
        self.assertStatus(self.d.post("/api/v1/devices/%d/transitions" % made[3]["id"], {"to": "in_repair"}), 200)
        self.eventually("devices in repair per 100 {model=other} == 1 of 6 in service", lambda: self.scalar(
            'model:fleetkeep_devices_in_repair:per_100_devices{model="other"}') == 100 / 6)

        # Every dashboard query parses and runs (Grafana's variables replaced by plain values).
        with open(DASHBOARD, encoding="utf-8") as f:
            dashboard = json.load(f)
        exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        self.assertGreater(len(exprs), 30)
        for expr in exprs:
            concrete = (expr.replace("$instance", ".*").replace("$__rate_interval", "1m")
                        .replace("$__range", "5m"))
            reply = self.query(concrete)
            self.assertEqual(reply.get("status"), "success", "dashboard query %r: %s" % (expr, reply))

        if self.received is not None:
            def delivered():
                return [a for msg in self.received for a in msg.get("alerts", [])
                        if a["labels"].get("alertname") == FAST_ALERT and a["status"] == "firing"]
            got = self.eventually("%s delivered to the webhook through Alertmanager" % FAST_ALERT, delivered)[0]
            self.assertEqual(got["labels"]["severity"], "warning")
            self.assertEqual(got["labels"]["job"], "fleetkeep")
            self.assertTrue(got["annotations"]["runbook_url"].endswith("#fleetkeepdevicespastaue"))
            self.assertIn("no longer receive security updates", got["annotations"]["description"])

        # The daemon stops: its scrape fails and FleetkeepDown goes pending.
        self.d.stop()
        self.eventually("FleetkeepDown pending",
                        lambda: [a for a in self.alerts("FleetkeepDown") if a["state"] == "pending"])


if __name__ == "__main__":
    unittest.main()
