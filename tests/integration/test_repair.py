"""The repair bench through the API and the CLI: work orders, parts, labour, notes, loaners, costs, metrics."""

import datetime
import json
import os
import re
import subprocess
import time
import unittest

from fleetkeepd import DaemonTestCase, SharedDaemonTestCase, cli_path

LABOUR = 'repair: {labour_rate: "40.00"}\n'
DUE = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()


class Bench:
    """Helpers shared by the API and CLI tests; `self.d` is a started daemon."""

    def device(self, tag, loaner=False):
        return self.d.create_device(asset_tag=tag, serial="S-" + tag, kind="chromebook", loaner=loaner)

    def person(self, external_id):
        r = self.d.post("/api/v1/people", {"external_id": external_id, "name": "Pat " + external_id,
                                           "role": "student"})
        self.assertStatus(r, 201)
        return r.json()

    def lend(self, tag, external_id):
        r = self.d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": external_id, "due": DUE})
        self.assertStatus(r, 201)
        return r.json()

    def open_order(self, tag, category="screen", **extra):
        body = {"device": "tag:" + tag, "category": category, "description": "cracked screen", **extra}
        r = self.d.post("/api/v1/work-orders", body)
        self.assertStatus(r, 201)
        return r.json()

    def order(self, wid):
        r = self.d.get("/api/v1/work-orders/%d" % wid)
        self.assertStatus(r, 200)
        return r.json()

    def move(self, wid, status, expect=200, **extra):
        r = self.d.patch("/api/v1/work-orders/%d" % wid, {"status": status, **extra})
        self.assertStatus(r, expect)
        return r.json()

    def status_of(self, tag):
        return self.d.get("/api/v1/devices/tag:" + tag).json()["status"]

    def actions(self, tag):
        return [e["action"] for e in self.d.get("/api/v1/devices/tag:%s/events" % tag).json()["items"]]


class RepairApi(Bench, SharedDaemonTestCase):
    extra_config = LABOUR

    def test_intake_to_pickup_with_a_loaner_swap(self):
        self.device("R-1")
        self.device("LN-1", loaner=True)
        self.person("SR1")
        loan = self.lend("R-1", "SR1")

        w = self.open_order("R-1", priority="high", reported_by="front desk", estimated_cost="60.00")
        self.assertEqual((w["status"], w["priority"], w["prior_status"]), ("open", "high", "deployed"))
        self.assertEqual(w["checkout"]["id"], loan["id"])
        self.assertEqual(w["holder"]["external_id"], "SR1")
        self.assertEqual(w["estimated_cost"], "60.00")
        self.assertEqual(self.status_of("R-1"), "in_repair")

        for status in ("diagnosing", "waiting_parts", "in_repair"):
            w = self.move(w["id"], status)
        r = self.d.post("/api/v1/work-orders/%d/parts" % w["id"],
                        {"part": "LCD panel", "quantity": 1, "unit_cost": "54.00"})
        self.assertStatus(r, 201)
        r = self.d.post("/api/v1/work-orders/%d/parts" % w["id"],
                        {"part": "bezel screw", "quantity": 4, "unit_cost": "0.25"})
        self.assertStatus(r, 201)
        w = self.d.patch("/api/v1/work-orders/%d" % w["id"],
                         {"labour_minutes": 45, "payer": "student_fee", "assignee": "sam",
                          "version": r.json()["version"]}).json()
        self.assertEqual(w["cost"], {"parts": "55.00", "labour": "30.00", "total": "85.00"})
        self.assertEqual(w["parts"][1]["cost"], "1.00")
        r = self.d.post("/api/v1/work-orders/%d/notes" % w["id"], {"text": "panel ordered from depot"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["notes"][0]["author"], "token:admin")

        r = self.d.post("/api/v1/work-orders/%d/loaner" % w["id"], {"device": "tag:LN-1"})
        self.assertStatus(r, 201)
        w = r.json()
        self.assertEqual(w["loaner"]["person"]["external_id"], "SR1")
        self.assertEqual(w["loaner"]["due"], DUE)
        self.assertEqual(self.status_of("LN-1"), "deployed")

        w = self.move(w["id"], "resolved", resolution="replaced LCD panel")
        self.assertEqual(w["status"], "resolved")
        self.assertFalse(w["open"])
        self.assertIsNotNone(w["closed_at"])
        self.assertEqual(w["allowed_statuses"], [])
        # Pickup: the repaired device is back with the same person on the same loan; the loaner is in stock.
        self.assertEqual(self.status_of("R-1"), "deployed")
        self.assertTrue(w["checkout"]["open"])
        self.assertEqual(w["checkout"]["id"], loan["id"])
        self.assertFalse(w["loaner"]["open"])
        self.assertEqual(self.status_of("LN-1"), "in_stock")
        open_loans = self.d.get("/api/v1/checkouts?open=true&person=SR1").json()["items"]
        self.assertEqual([c["id"] for c in open_loans], [loan["id"]])

        device = self.d.get("/api/v1/devices/tag:R-1").json()
        self.assertEqual(device["repair_cost"], "85.00")
        acts = self.actions("R-1")
        for action in ("work_order_opened", "work_order_status", "work_order_part", "work_order_updated",
                       "work_order_note", "loaner_lent", "loaner_returned", "work_order_resolved"):
            self.assertIn(action, acts)
        self.assertLess(acts.index("work_order_opened"), acts.index("work_order_resolved"))

    def test_unrepairable_retires_and_the_holder_keeps_the_loaner(self):
        self.device("R-2")
        self.device("LN-2", loaner=True)
        self.person("SR2")
        loan = self.lend("R-2", "SR2")
        w = self.open_order("R-2", category="liquid")
        self.assertStatus(self.d.post("/api/v1/work-orders/%d/loaner" % w["id"], {"device": "tag:LN-2"}), 201)
        w = self.move(w["id"], "unrepairable", resolution="board corroded")
        self.assertEqual(self.status_of("R-2"), "retired")
        self.assertEqual(self.status_of("LN-2"), "deployed")
        self.assertTrue(w["loaner"]["open"])
        self.assertFalse(w["checkout"]["open"])
        returned = self.d.get("/api/v1/checkouts/%d" % loan["id"]).json()
        self.assertEqual(returned["condition_in"], "damaged")
        self.assertIn("work_order_unrepairable", self.actions("R-2"))

    def test_cancel_puts_the_device_back(self):
        self.device("R-3")
        w = self.open_order("R-3")
        self.assertEqual(self.status_of("R-3"), "in_repair")
        self.move(w["id"], "cancelled")
        self.assertEqual(self.status_of("R-3"), "in_stock")
        # A new order can open once the old one closed.
        self.open_order("R-3", category="keyboard")

    def test_refused_moves_name_the_allowed_ones(self):
        self.device("R-4")
        w = self.open_order("R-4")
        r = self.d.patch("/api/v1/work-orders/%d" % w["id"], {"status": "resolved"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["allowed"],
                         ["diagnosing", "in_repair", "unrepairable", "cancelled"])
        self.move(w["id"], "cancelled")
        r = self.d.patch("/api/v1/work-orders/%d" % w["id"], {"status": "open"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["allowed"], [])
        # Stale version
        r = self.d.patch("/api/v1/work-orders/%d" % w["id"], {"assignee": "x", "version": 1})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["current_version"], self.order(w["id"])["version"])

    def test_opening_refusals(self):
        self.device("R-5")
        self.open_order("R-5")
        before = len(self.d.get("/api/v1/work-orders?device=tag:R-5").json()["items"])
        r = self.d.post("/api/v1/work-orders", {"device": "tag:R-5", "category": "screen", "description": "again"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["field"], "device")
        retired = self.device("R-6")
        self.d.post("/api/v1/devices/tag:R-6/transitions", {"to": "retired"})
        r = self.d.post("/api/v1/work-orders", {"device": "tag:R-6", "category": "screen", "description": "x"})
        self.assertError(r, 409, "conflict")
        self.assertIn("allowed", r.json()["error"]["details"])
        r = self.d.post("/api/v1/work-orders", {"device": "tag:NOPE", "category": "screen", "description": "x"})
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.json()["error"]["details"]["field"], "device")
        r = self.d.post("/api/v1/work-orders", {"device": "tag:R-6", "category": "toaster", "description": "x"})
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["field"], "category")
        r = self.d.post("/api/v1/work-orders", {"device": "tag:R-6", "category": "screen", "description": "x",
                                                "estimated_cost": "12.345"})
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["field"], "estimated_cost")
        self.assertEqual(len(self.d.get("/api/v1/work-orders?device=tag:R-5").json()["items"]), before)
        self.assertEqual(self.d.get("/api/v1/work-orders?device=tag:R-6").json()["items"], [])
        self.assertEqual(self.status_of("R-6"), "retired")
        self.assertEqual(retired["status"], "in_stock")

    def test_bad_parts_and_loaners_change_nothing(self):
        self.device("R-7")
        self.device("NL-7")
        self.device("LN-7", loaner=True)
        w = self.open_order("R-7")
        path = "/api/v1/work-orders/%d" % w["id"]
        cases = [
            ({"part": "LCD", "quantity": -1, "unit_cost": "54.00"}, "quantity"),
            ({"part": "LCD", "quantity": 0, "unit_cost": "54.00"}, "quantity"),
            ({"part": "LCD", "quantity": 1, "unit_cost": "12.345"}, "unit_cost"),
            ({"part": "LCD", "quantity": 1, "unit_cost": "abc"}, "unit_cost"),
            ({"part": "LCD", "quantity": 1, "unit_cost": 54.001}, "unit_cost"),
            ({"part": "LCD", "quantity": 1.5, "unit_cost": "54.00"}, "quantity"),
            ({"part": "", "quantity": 1, "unit_cost": "54.00"}, "part"),
            ({"part": "LCD", "quantity": 1, "unit_cost": "1.00", "colour": "red"}, "colour"),
        ]
        for body, field in cases:
            r = self.d.post(path + "/parts", body)
            self.assertError(r, 400, "invalid")
            self.assertEqual(r.json()["error"]["details"]["field"], field, body)
        r = self.d.patch(path, {"labour_minutes": -5})
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["field"], "labour_minutes")
        r = self.d.patch(path, {"payer": "parents"})
        self.assertEqual(r.json()["error"]["details"]["field"], "payer")
        after = self.order(w["id"])
        self.assertEqual((after["parts"], after["cost"]["total"], after["version"]), ([], "0.00", w["version"]))
        # Loaners: nobody held R-7, NL-7 is not in the pool, NOPE does not exist.
        r = self.d.post(path + "/loaner", {"device": "tag:LN-7"})
        self.assertError(r, 409, "conflict")
        self.assertIn("nobody holds", r.json()["error"]["message"])
        self.device("R-8")
        self.person("SR8")
        self.lend("R-8", "SR8")
        w8 = self.open_order("R-8")
        r = self.d.post("/api/v1/work-orders/%d/loaner" % w8["id"], {"device": "tag:NL-7"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["field"], "device")
        r = self.d.post("/api/v1/work-orders/%d/loaner" % w8["id"], {"device": "tag:NOPE"})
        self.assertError(r, 404, "not_found")
        self.assertEqual((self.status_of("LN-7"), self.status_of("NL-7")), ("in_stock", "in_stock"))
        self.assertIsNone(self.order(w8["id"])["loaner"])
        self.assertError(self.d.get("/api/v1/work-orders/999999"), 404, "not_found")
        self.assertError(self.d.get("/api/v1/work-orders/abc"), 400, "invalid")

    def test_list_filters_and_pages(self):
        for i in range(3):
            self.device("RL-%d" % i)
            self.open_order("RL-%d" % i, category="hinge")
        r = self.d.get("/api/v1/work-orders?category=hinge&open=true&limit=2")
        self.assertStatus(r, 200)
        page = r.json()
        self.assertEqual(len(page["items"]), 2)
        rest = self.d.get("/api/v1/work-orders?category=hinge&open=true&limit=2&cursor=" + page["next_cursor"])
        self.assertEqual(len(rest.json()["items"]), 1)
        self.assertIsNone(rest.json()["next_cursor"])
        self.assertError(self.d.get("/api/v1/work-orders?status=closed"), 400, "invalid")
        self.assertError(self.d.get("/api/v1/work-orders?colour=red"), 400, "invalid")

    def test_viewer_cannot_write(self):
        token = self.d.create_token("repair-viewer", "viewer")
        self.device("RV-1")
        r = self.d.post("/api/v1/work-orders", {"device": "tag:RV-1", "category": "screen", "description": "x"},
                        token=token)
        self.assertError(r, 403, "forbidden")
        self.assertStatus(self.d.get("/api/v1/work-orders", token=token), 200)


class RepairCli(Bench, SharedDaemonTestCase):
    extra_config = LABOUR

    def run_cli(self, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env["FLEETKEEP_SERVER"] = "http://127.0.0.1:%d" % self.d.port
        env["FLEETKEEP_TOKEN"] = self.d.token
        r = subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, expect, "fleetkeep %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), r.stdout, r.stderr))
        return r

    def test_a_repair_from_the_command_line(self):
        self.device("C-1")
        self.device("CLN-1", loaner=True)
        self.person("SC1")
        self.lend("C-1", "SC1")
        r = self.run_cli("--json", "repair", "open", "tag:C-1", "--category", "screen",
                         "--description", "cracked screen", "--priority", "high")
        wid = str(json.loads(r.stdout)["id"])
        r = self.run_cli("repair", "list", "--open")
        self.assertRegex(r.stdout, r"(?m)^%s\s+tag:C-1\s+open\s+screen\s+high\s+Pat SC1" % wid)
        self.run_cli("repair", "status", wid, "in_repair")
        r = self.run_cli("repair", "status", wid, "open", expect=1)
        self.assertIn("allowed", r.stderr)
        self.run_cli("repair", "part", wid, "LCD panel", "1", "54.00")
        r = self.run_cli("repair", "part", wid, "LCD panel", "1", "12.345", expect=1)
        self.assertIn("unit_cost", r.stderr)
        r = self.run_cli("repair", "part", wid, "LCD panel", "--", "-1", "54.00", expect=1)
        self.assertIn("quantity", r.stderr)
        self.run_cli("repair", "part", wid, "LCD panel", "two", "54.00", expect=2)
        self.run_cli("repair", "set", wid, "--labour-minutes", "30", "--payer", "warranty")
        self.run_cli("repair", "note", wid, "customer says it was dropped")
        r = self.run_cli("repair", "loaner", wid, "tag:CLN-1")
        self.assertRegex(r.stdout, r"loaner\s*:\s*tag:CLN-1 with Pat SC1 \(SC1\)")
        r = self.run_cli("repair", "show", wid)
        self.assertRegex(r.stdout, r"cost\s*:\s*parts 54.00 \+ labour 20.00 = 74.00")
        self.assertIn("customer says it was dropped", r.stdout)
        self.assertRegex(r.stdout, r"LCD panel\s+1\s+54.00\s+54.00")
        r = self.run_cli("repair", "resolve", wid, "--resolution", "new panel")
        self.assertRegex(r.stdout, r"status\s*:\s*resolved")
        self.assertEqual((self.status_of("C-1"), self.status_of("CLN-1")), ("deployed", "in_stock"))
        self.assertEqual(self.d.get("/api/v1/devices/tag:C-1").json()["repair_cost"], "74.00")
        r = self.run_cli("repair", "open", "tag:NOPE", "--category", "screen", "--description", "x", expect=1)
        self.assertIn("not found", r.stderr)
        self.run_cli("repair", "open", "tag:C-1", "--description", "x", expect=2)  # --category required


class RepairMetrics(Bench, DaemonTestCase):
    extra_config = LABOUR

    def metrics(self):
        text = self.d.get("/metrics", token=None).text
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                out[key] = float(value)
        return out

    def wait_for(self, key, value, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            m = self.metrics()
            if m.get(key) == value or time.monotonic() > deadline:
                return m
            time.sleep(0.25)

    def test_metrics_follow_the_bench(self):
        for tag in ("M-1", "M-2", "M-3"):
            self.device(tag)
        a = self.open_order("M-1")
        b = self.open_order("M-2", category="battery")
        c = self.open_order("M-3")
        self.move(a["id"], "in_repair")
        self.d.post("/api/v1/work-orders/%d/parts" % a["id"], {"part": "LCD", "quantity": 2, "unit_cost": "54.00"})
        self.d.patch("/api/v1/work-orders/%d" % a["id"], {"labour_minutes": 30})  # 20.00 at 40.00/h
        m = self.wait_for('fleetkeep_work_orders_open{category="screen",status="in_repair"}', 1)
        self.assertEqual(m['fleetkeep_work_orders_open{category="screen",status="in_repair"}'], 1)
        self.assertEqual(m['fleetkeep_repair_cost_total{payer="unassigned"}'], 0.0)  # counted when it closes
        self.move(a["id"], "resolved", payer="warranty")
        self.move(b["id"], "unrepairable")
        # Refused and bad requests count nothing.
        self.d.patch("/api/v1/work-orders/%d" % c["id"], {"status": "resolved"})
        self.d.post("/api/v1/work-orders/%d/parts" % c["id"], {"part": "LCD", "quantity": -1, "unit_cost": "1.00"})
        m = self.wait_for('fleetkeep_repair_cost_total{payer="warranty"}', 128.0)
        self.assertEqual(m['fleetkeep_repair_cost_total{payer="warranty"}'], 128.0)
        # Once, under the payer it closed with: the spend, however often the payer changed before.
        self.assertEqual(m['fleetkeep_repair_cost_total{payer="unassigned"}'], 0.0)
        self.assertEqual(sum(v for k, v in m.items() if k.startswith("fleetkeep_repair_cost_total{")), 128.0)
        self.assertEqual(m['fleetkeep_work_orders_opened_total{category="screen"}'], 2)
        self.assertEqual(m['fleetkeep_work_orders_opened_total{category="battery"}'], 1)
        self.assertEqual(m['fleetkeep_work_orders_resolved_total{category="screen"}'], 1)
        self.assertEqual(m['fleetkeep_work_orders_resolved_total{category="battery"}'], 0)
        self.assertEqual(m['fleetkeep_work_orders_open{category="screen",status="open"}'], 1)
        self.assertEqual(m['fleetkeep_work_orders_open{category="screen",status="in_repair"}'], 0)
        self.assertEqual(m['fleetkeep_work_orders_open{category="battery",status="open"}'], 0)
        self.assertGreaterEqual(m["fleetkeep_work_order_oldest_open_age_seconds"], 0)
        first_age = m["fleetkeep_work_order_oldest_open_age_seconds"]
        # The age keeps growing with no writes (recomputed each refresh).
        m = self.wait_for("fleetkeep_work_order_oldest_open_age_seconds", None, timeout=7)
        self.assertGreater(m["fleetkeep_work_order_oldest_open_age_seconds"], first_age)
        self.move(c["id"], "cancelled")
        m = self.wait_for("fleetkeep_work_order_oldest_open_age_seconds", 0.0)
        self.assertEqual(m["fleetkeep_work_order_oldest_open_age_seconds"], 0.0)
        self.assertEqual(m['fleetkeep_work_orders_opened_total{category="screen"}'], 2)


if __name__ == "__main__":
    unittest.main()
