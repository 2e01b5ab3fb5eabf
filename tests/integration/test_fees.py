"""Fees through the real daemon: docs/fees.md's worked example end to end (its figures are asserted
here), holds and their override, statements, the balances CSV, role checks and the fee metrics."""

import csv
import datetime
import io
import json
import os
import re
import subprocess
import time
import unittest

from fleetkeepd import DaemonTestCase, SharedDaemonTestCase, cli_path

DUE = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
MODEL = "HP Chromebook 11 G9 EE"

# docs/fees.md, "The policy".
POLICY = """models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "329.00", life_years: 5}
repair: {labour_rate: "40.00"}
fees:
  school_year_start: "08-01"
  plans:
    - {name: protection, premium: "25.00", incidents: ["0.00", "50.00", full]}
  uninsured: {damage: repair_cost, lost: replacement_cost}
  cap_per_incident: "300.00"
  hold_at: "50.00"
  refund_when_recovered: true
"""


def school_year(today=None):
    today = today or datetime.date.today()
    return today.year + 1 if (today.month, today.day) >= (8, 1) else today.year


class Desk:
    """Helpers; `self.d` is a started daemon."""

    def person(self, external_id, name, household=None, location="Elm Valley Middle School"):
        body = {"external_id": external_id, "name": name, "role": "student", "location": location}
        if household:
            body["household"] = household
        r = self.d.post("/api/v1/people", body)
        self.assertStatus(r, 201)
        return r.json()

    def device(self, tag):
        return self.d.create_device(asset_tag=tag, serial="S-" + tag, kind="chromebook", model=MODEL)

    def lend(self, tag, who, expect=201, token="admin", **extra):
        r = self.d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": who, "due": DUE, **extra},
                        token=token)
        self.assertStatus(r, expect)
        return r

    def repair(self, tag, part, cost, minutes, payer="student_fee"):
        """Opens, prices and resolves a work order on `tag` paid by `payer`; returns the order id."""
        r = self.d.post("/api/v1/work-orders", {"device": "tag:" + tag, "category": "screen",
                                                "description": part + " broken"})
        self.assertStatus(r, 201)
        wid = r.json()["id"]
        self.assertStatus(self.d.post("/api/v1/work-orders/%d/parts" % wid,
                                      {"part": part, "quantity": 1, "unit_cost": cost}), 201)
        self.assertStatus(self.d.patch("/api/v1/work-orders/%d" % wid,
                                       {"status": "in_repair", "labour_minutes": minutes, "payer": payer}), 200)
        self.assertStatus(self.d.patch("/api/v1/work-orders/%d" % wid, {"status": "resolved"}), 200)
        return wid

    def ledger(self, who):
        r = self.d.get("/api/v1/people/%s/ledger" % who)
        self.assertStatus(r, 200)
        return r.json()

    def balance(self, who):
        return self.ledger(who)["balance"]

    def pay(self, who, amount, expect=201, token="admin", kind="payments", **extra):
        r = self.d.post("/api/v1/people/%s/%s" % (who, kind), {"amount": amount, **extra}, token=token)
        self.assertStatus(r, expect)
        return r


class WorkedExample(Desk, DaemonTestCase):
    """docs/fees.md: three incidents in a school year, a cap, a loss then found."""

    def setUp(self):
        self.d = self.start_daemon(POLICY)

    def test_the_worked_example(self):
        self.person("S1001", "Ana Ortiz", household="H-ORTIZ")
        self.device("CB-1001")
        self.device("CB-1002")

        # 1. Enrolment charges the premium; paying it is a payment.
        r = self.d.post("/api/v1/people/S1001/plans", {"plan": "protection", "school_year": str(school_year())})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["entry"]["amount"], "25.00")
        self.assertEqual(r.json()["balance"], "25.00")
        self.pay("S1001", "25.00", method="cash", reference="R-1001")
        self.assertEqual(self.balance("S1001"), "0.00")

        self.lend("CB-1001", "S1001")
        # 2. First incident: a 54.00 screen and 30 minutes at 40.00/h = 74.00, covered by the plan.
        self.repair("CB-1001", "LCD panel", "54.00", 30)
        self.assertEqual(self.balance("S1001"), "0.00")
        # 3. Second incident: a 38.00 keyboard + 20.00 labour = 58.00; the plan's deductible is 50.00.
        self.repair("CB-1001", "Keyboard", "38.00", 30)
        self.assertEqual(self.balance("S1001"), "50.00")

        # 50.00 reaches hold_at: a new checkout is refused with the balance.
        r = self.lend("CB-1002", "S1001", expect=409)
        self.assertEqual(r.error_code(), "hold")
        self.assertEqual(r.json()["error"]["details"]["balance"], "50.00")

        # 4. Third incident: CB-1001 is lost. Replacement cost 329.00 in full, capped at 300.00.
        self.assertStatus(self.d.post("/api/v1/devices/tag:CB-1001/transitions",
                                      {"to": "lost", "reason": "left on the bus"}), 200)
        self.assertEqual(self.balance("S1001"), "350.00")
        # Re-marking: found and lost again on the same loan charges nothing twice.
        # 5. Found: handed back at the desk; the 300.00 is refunded.
        self.assertStatus(self.d.post("/api/v1/devices/tag:CB-1001/return", {"condition": "good"}), 200)
        led = self.ledger("S1001")
        self.assertEqual(led["balance"], "50.00")
        self.assertTrue(led["on_hold"])
        self.assertEqual([(e["kind"], e["reason"], e["amount"], e["incident"]) for e in led["entries"]], [
            ("charge", "premium", "25.00", None),
            ("payment", "payment", "25.00", None),
            ("charge", "damage", "0.00", 1),
            ("charge", "damage", "50.00", 2),
            ("charge", "lost", "300.00", 3),
            ("refund", "found", "300.00", None),
        ])
        self.assertEqual(led["entries"][4]["basis"],
                         "protection plan, 3rd incident of the year: full replacement cost 329.00, capped at 300.00")
        self.assertEqual(led["charged"], "375.00")
        self.assertEqual(led["credited"], "325.00")

        # The statement shows the same figures.
        r = self.d.get("/api/v1/people/S1001/statement")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["content-type"].startswith("text/html"))
        self.assertIn("Charges 375.00", r.text)
        self.assertIn("Payments and credits 325.00", r.text)
        self.assertIn('<span class="balance">50.00</span>', r.text)
        self.assertIn("No incident is charged more than 300.00.", r.text)

        # 6. Paying the 50.00 lifts the hold: the checkout goes through.
        self.pay("S1001", "50.00", method="check", reference="1042")
        self.assertEqual(self.balance("S1001"), "0.00")
        self.lend("CB-1002", "S1001")

        # Metrics agree with the ledger.
        want = {"fleetkeep_fees_outstanding": 0.0, 'fleetkeep_fees_charged_total{reason="lost"}': 300.0,
                'fleetkeep_fees_charged_total{reason="damage"}': 50.0,
                'fleetkeep_fees_charged_total{reason="premium"}': 25.0,
                "fleetkeep_fees_paid_total": 75.0, "fleetkeep_people_on_hold": 0.0}
        self.assertEqual(self.wait_metrics(want), want)

    def wait_metrics(self, want, timeout=20.0):
        deadline = time.monotonic() + timeout
        while True:
            text = self.d.get("/metrics", token=None).text
            got = {}
            for line in text.splitlines():
                m = re.match(r"^(fleetkeep_(?:fees|people_on_hold)\S*)\s+(\S+)$", line)
                if m and m.group(1) in want:
                    got[m.group(1)] = float(m.group(2))
            if got == want or time.monotonic() > deadline:
                return got
            time.sleep(0.2)


class AuditLoss(Desk, DaemonTestCase):
    """An audit closed with missing_to: lost charges a lent device's holder as a transition would."""

    def setUp(self):
        self.d = self.start_daemon(POLICY)

    def test_an_audit_that_marks_a_lent_device_lost_charges_the_holder_once(self):
        self.person("AU1", "Aud")
        self.d.create_device(asset_tag="AUD-1", serial="S-AUD-1", kind="chromebook", model=MODEL,
                             location="Audit Hall / Room 9")
        self.d.create_device(asset_tag="AUD-2", serial="S-AUD-2", kind="chromebook", model=MODEL,
                             location="Audit Hall / Room 9")  # missing too, but lent to nobody
        self.lend("AUD-1", "AU1")
        r = self.d.post("/api/v1/audits", {"name": "Audit Hall check", "location": "Audit Hall"})
        self.assertStatus(r, 201)
        path = "/api/v1/audits/%d" % r.json()["id"]
        r = self.d.post(path + "/close", {"missing_to": "lost"})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json()["close_result"]["marked_lost"]), 2)
        led = self.ledger("AU1")
        self.assertEqual([(e["kind"], e["reason"], e["amount"]) for e in led["entries"]],
                         [("charge", "lost", "300.00")])  # 329.00 replacement, capped
        self.assertEqual(self.balance("AU1"), "300.00")
        self.assertStatus(self.d.post(path + "/close", {"missing_to": "lost"}), 409)
        self.assertEqual(len(self.ledger("AU1")["entries"]), 1)
        # Found again: the loss the audit charged is refunded like any other.
        self.assertStatus(self.d.post("/api/v1/devices/tag:AUD-1/transitions", {"to": "in_stock", "reason": "found"}),
                          200)
        self.assertEqual(self.balance("AU1"), "0.00")


class FeesApi(Desk, SharedDaemonTestCase):
    extra_config = POLICY

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.shared.create_token("fees-viewer", "viewer")
        cls.tech = cls.shared.create_token("fees-tech", "technician")

    def test_holds_refuse_and_an_admin_override_is_recorded(self):
        self.person("H1", "Hal")
        self.device("HOLD-1")
        self.device("HOLD-2")
        self.lend("HOLD-1", "H1")
        self.repair("HOLD-1", "Hinge", "60.00", 0)  # no plan: 60.00
        r = self.lend("HOLD-2", "H1", expect=409)
        self.assertEqual(r.json()["error"]["details"], {"field": "person", "balance": "60.00", "hold_at": "50.00"})
        # A technician cannot override; an admin must say why.
        r = self.lend("HOLD-2", "H1", expect=403, token=self.tech, override_hold=True, reason="exam")
        r = self.lend("HOLD-2", "H1", expect=400, override_hold=True)
        self.assertEqual(r.json()["error"]["details"]["field"], "reason")
        self.lend("HOLD-2", "H1", override_hold=True, reason="state testing this week")
        events = self.d.get("/api/v1/devices/tag:HOLD-2/events").json()["items"]
        over = [e for e in events if e["action"] == "hold_overridden"]
        self.assertEqual(len(over), 1)
        self.assertIn("state testing this week", over[0]["reason"])

    def test_roles(self):
        self.person("R1", "Rae")
        # viewer: reads, takes no money
        self.assertStatus(self.d.get("/api/v1/people/R1/ledger", token=self.viewer), 200)
        self.assertEqual(self.pay("R1", "5.00", expect=403, token=self.viewer).error_code(), "forbidden")
        # technician: payments and enrolment, no waivers
        self.pay("R1", "5.00", token=self.tech, method="cash")
        self.pay("R1", "5.00", expect=403, token=self.tech, kind="waivers", note="hardship")
        # admin: waivers, with a note
        self.pay("R1", "5.00", expect=400, kind="waivers")
        self.pay("R1", "5.00", kind="waivers", note="hardship")
        self.assertEqual(self.balance("R1"), "-10.00")

    def test_bad_bodies_change_nothing(self):
        self.person("B1", "Bo")
        for body, field in [({"amount": 5.0}, "amount"), ({"amount": "0.00"}, "amount"), ({}, "amount"),
                            ({"amount": "5.00", "colour": "red"}, "colour"), ({"amount": "abc"}, "amount")]:
            r = self.d.post("/api/v1/people/B1/payments", body)
            self.assertStatus(r, 400, str(body))
            self.assertEqual(r.json()["error"]["details"]["field"], field)
        r = self.d.post("/api/v1/people/B1/plans", {"plan": "gold"})
        self.assertStatus(r, 400)
        self.assertEqual(r.json()["error"]["details"]["field"], "plan")
        self.assertStatus(self.d.post("/api/v1/people/NOPE/payments", {"amount": "5.00"}), 404)
        self.assertEqual(self.ledger("B1")["entries"], [])

    def test_household_statement_and_balances_csv(self):
        self.person("F1", "Fay Lee", household="H-LEE")
        self.person("F2", "Finn Lee", household="H-LEE", location="Maple Elementary")
        for who in ("F1", "F2"):
            self.assertStatus(self.d.post("/api/v1/people/%s/plans" % who, {"plan": "protection"}), 201)
        self.pay("F1", "10.00", method="cash")
        r = self.d.get("/api/v1/people/F2/statement?household=true")
        self.assertStatus(r, 200)
        self.assertIn("Household H-LEE", r.text)
        self.assertIn("Fay Lee (F1)", r.text)
        self.assertIn("Finn Lee (F2)", r.text)
        self.assertIn('<span class="household-balance">40.00</span>', r.text)
        single = self.d.get("/api/v1/people/F2/statement").text
        self.assertNotIn("Fay Lee", single)
        self.assertStatus(self.d.get("/api/v1/people/F2/statement?household=maybe"), 400)

        r = self.d.get("/api/v1/reports/balances?format=csv")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["content-type"].startswith("text/csv"))
        rows = list(csv.reader(io.StringIO(r.text)))
        self.assertEqual(rows[0], ["external_id", "name", "household", "balance", "oldest_charge"])
        mine = {row[0]: row for row in rows[1:] if row[0] in ("F1", "F2")}
        today = datetime.date.today().isoformat()
        self.assertEqual(mine["F1"], ["F1", "Fay Lee", "H-LEE", "15.00", today])
        self.assertEqual(mine["F2"], ["F2", "Finn Lee", "H-LEE", "25.00", today])
        js = self.d.get("/api/v1/reports/balances?location=Maple").json()
        self.assertIn("F2", [i["external_id"] for i in js["items"]])
        self.assertNotIn("F1", [i["external_id"] for i in js["items"]])
        self.assertStatus(self.d.get("/api/v1/reports/balances?format=xml"), 400)

    def test_household_in_the_roster_import(self):
        r = self.d.post("/api/v1/people:import", "external_id,name,role,household\nI1,Ivy,student,H-IVY\n",
                        content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual(self.d.get("/api/v1/people/I1").json()["household"], "H-IVY")


class FeesCli(Desk, SharedDaemonTestCase):
    extra_config = POLICY

    def run_cli(self, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env["FLEETKEEP_SERVER"] = "http://127.0.0.1:%d" % self.d.port
        env["FLEETKEEP_TOKEN"] = self.d.token
        r = subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, expect, "fleetkeep %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), r.stdout, r.stderr))
        return r

    def test_the_business_office_from_the_command_line(self):
        self.person("C1", "Cy", household="H-CY")
        self.run_cli("fees", "plan", "C1", "protection")
        r = self.run_cli("fees", "pay", "C1", "10.00", "--method", "cash", "--reference", "R-9")
        self.assertIn("15.00", r.stdout)
        self.run_cli("fees", "waive", "C1", "5.00", expect=2)  # --note is required
        self.run_cli("fees", "waive", "C1", "5.00", "--note", "sibling discount")
        led = json.loads(self.run_cli("--json", "fees", "ledger", "C1").stdout)
        self.assertEqual(led["balance"], "10.00")
        self.assertEqual([e["kind"] for e in led["entries"]], ["charge", "payment", "waiver"])
        out = self.run_cli("fees", "balances", "--csv").stdout
        self.assertIn("C1,Cy,H-CY,10.00,", out)
        html = self.run_cli("fees", "statement", "C1", "--household").stdout
        self.assertIn('<span class="household-balance">10.00</span>', html)
        r = self.run_cli("fees", "pay", "C1", "abc", expect=1)
        self.assertIn("amount", r.stderr)


class FeesConfig(DaemonTestCase):
    autostart = False

    def test_check_config_names_the_line(self):
        from fleetkeepd import Daemon
        d = Daemon('fees:\n  hold_at: "lots"\n  plans:\n    - {name: p, incidents: [half]}\n')
        self.addCleanup(d.cleanup)
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout + r.stderr, r"fleetkeepd\.yaml:6:12: fees\.hold_at: must be an amount")
        self.assertRegex(r.stdout + r.stderr, r"fleetkeepd\.yaml:8:\d+: fees\.plans\[0\]\.incidents\[0\]")


if __name__ == "__main__":
    unittest.main()
