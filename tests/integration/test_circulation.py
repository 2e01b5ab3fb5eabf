"""The circulation desk against a real daemon: people, checkouts, returns, batches, holder, metrics, CLI."""

import datetime
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

from fleetkeepd import import_counts, SharedDaemonTestCase, cli_path

TODAY = datetime.date.today()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


class Circulation(SharedDaemonTestCase):
    extra_config = "checkout:\n  default_loan_days: 30\n"

    # --- helpers -------------------------------------------------------------------------------
    def device(self, tag, **fields):
        return self.d.create_device(asset_tag=tag, serial="SN-" + tag, kind="chromebook", **fields)

    def person(self, ext, name="Student", role="student", **fields):
        r = self.d.post("/api/v1/people", dict(external_id=ext, name=name, role=role, **fields))
        self.assertStatus(r, 201)
        return r.json()

    def state(self, tag):
        """What a refused request must leave alone: the device, its history, the checkouts table."""
        dev = self.d.get("/api/v1/devices/tag:" + tag).json()
        events = self.d.get("/api/v1/devices/tag:" + tag + "/events").json()["items"]
        loans = self.d.get("/api/v1/checkouts?device=tag:" + tag).json()["items"]
        return dev, events, loans

    def assertField(self, response, status, code, field):
        self.assertError(response, status, code)
        self.assertEqual(response.json()["error"]["details"].get("field"), field, response)

    def run_cli(self, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env["FLEETKEEP_SERVER"] = "http://127.0.0.1:%d" % self.d.port
        env["FLEETKEEP_TOKEN"] = self.d.token
        r = subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, expect, "fleetkeep %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), r.stdout, r.stderr))
        return r

    def write(self, text):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="")
        self.addCleanup(os.unlink, tmp.name)
        tmp.write(text)
        tmp.close()
        return tmp.name

    # --- people --------------------------------------------------------------------------------
    def test_people_create_get_search_update(self):
        p = self.person("P-100", "Augusta Quill", email="ada@example.org", grade="7", homeroom="7B")
        self.assertTrue(p["active"])
        self.assertEqual(self.d.get("/api/v1/people/P-100").json()["email"], "ada@example.org")
        found = self.d.get("/api/v1/people?q=QUILL").json()["items"]
        self.assertEqual([x["external_id"] for x in found], ["P-100"])
        r = self.d.patch("/api/v1/people/P-100", {"active": False, "homeroom": "8B"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json()["active"], r.json()["homeroom"]), (False, "8B"))
        inactive = self.d.get("/api/v1/people?active=false&q=P-100").json()["items"]
        self.assertEqual(len(inactive), 1)
        self.assertError(self.d.post("/api/v1/people", {"external_id": "P-100", "name": "X", "role": "staff"}),
                         409, "conflict")
        self.assertField(self.d.post("/api/v1/people", {"external_id": "P-101", "name": "X", "role": "teacher"}),
                         400, "invalid", "role")
        self.assertField(self.d.post("/api/v1/people", {"external_id": "P-101", "name": "X"}),
                         400, "invalid", "role")
        self.assertError(self.d.get("/api/v1/people/P-404"), 404, "not_found")
        viewer = self.d.create_token("viewer-people", "viewer")
        self.assertStatus(self.d.get("/api/v1/people", token=viewer), 200)
        self.assertError(self.d.post("/api/v1/people", {"external_id": "V1", "name": "V", "role": "staff"},
                                     token=viewer), 403, "forbidden")

    def test_roster_import_all_or_none_then_update(self):
        csv = ("external_id,name,email,role,grade,homeroom,location,active\n"
               "R-1,Ann,ann@example.org,student,5,5A,Oak Elementary,true\n"
               "R-2,Ben,,student,5,5B,Oak Elementary,true\n"
               "R-3,Cat Staff,cat@example.org,staff,,,Oak Elementary,yes\n")
        r = self.d.post("/api/v1/people:import", csv, content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 3, "updated": 0, "unchanged": 0})

        bad = ("external_id,name,role,grade\n"
               "R-1,Ann,student,6\n"
               "R-4,Dan,pupil,5\n"
               "R-5,,student,5\n")
        r = self.d.post("/api/v1/people:import", bad, content_type="text/csv")
        self.assertError(r, 400, "invalid")
        errors = r.json()["error"]["details"]["errors"]
        self.assertEqual([(e["line"], e["field"]) for e in errors], [(3, "role"), (4, "name")])
        self.assertEqual(self.d.get("/api/v1/people/R-1").json()["grade"], "5")  # nothing changed
        self.assertError(self.d.get("/api/v1/people/R-4"), 404, "not_found")

        again = "external_id,name,grade,active\nR-1,Ann,6,true\nR-2,Ben,5,false\nR-3,Cat Staff,,true\n"
        r = self.d.post("/api/v1/people:import", again, content_type="text/csv")
        self.assertEqual(import_counts(r.json()), {"created": 0, "updated": 2, "unchanged": 1})
        self.assertEqual(self.d.get("/api/v1/people/R-1").json()["grade"], "6")
        self.assertFalse(self.d.get("/api/v1/people/R-2").json()["active"])

    # --- checkout and return -------------------------------------------------------------------
    def test_checkout_return_holder_and_history(self):
        self.device("C-1")
        self.person("S-1", "Ada Lovelace")
        r = self.d.post("/api/v1/checkouts", {"device": "tag:C-1", "person": "S-1", "due": day(10),
                                               "condition": "good", "notes": "new charger"})
        self.assertStatus(r, 201)
        loan = r.json()
        self.assertEqual(loan["person"], {"external_id": "S-1", "name": "Ada Lovelace"})
        self.assertEqual((loan["due"], loan["open"], loan["overdue"]), (day(10), True, False))
        self.assertEqual(r.headers["location"], "/api/v1/checkouts/%d" % loan["id"])

        dev = self.d.get("/api/v1/devices/tag:C-1").json()
        self.assertEqual(dev["status"], "deployed")
        self.assertEqual(dev["holder"], {"type": "person", "external_id": "S-1", "name": "Ada Lovelace",
                                         "checkout_id": loan["id"], "due": day(10)})
        listed = self.d.get("/api/v1/devices?code=C-1").json()["items"][0]
        self.assertEqual(listed["holder"]["checkout_id"], loan["id"])

        r = self.d.post("/api/v1/checkouts/%d/return" % loan["id"], {"condition": "missing_parts",
                                                                      "notes": "no charger"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json()["open"], r.json()["condition_in"]), (False, "missing_parts"))
        dev = self.d.get("/api/v1/devices/tag:C-1").json()
        self.assertEqual((dev["status"], dev["holder"]), ("in_stock", None))
        actions = [e["action"] for e in self.d.get("/api/v1/devices/tag:C-1/events").json()["items"]]
        self.assertEqual(actions, ["created", "checked_out", "returned"])
        self.assertError(self.d.post("/api/v1/checkouts/%d/return" % loan["id"], {}), 409, "conflict")
        self.assertError(self.d.post("/api/v1/devices/tag:C-1/return", {}), 404, "not_found")

    def test_default_due_and_location_loans(self):
        self.device("C-2")
        r = self.d.post("/api/v1/checkouts", {"device": "serial:SN-C-2", "location": "Cart 3"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["due"], day(30))  # checkout.default_loan_days from the config
        self.assertEqual(r.json()["location"], "Cart 3")
        holder = self.d.get("/api/v1/devices/tag:C-2").json()["holder"]
        self.assertEqual((holder["type"], holder["location"]), ("location", "Cart 3"))
        at_cart = self.d.get("/api/v1/checkouts?location=" + urllib.parse.quote("Cart 3")).json()["items"]
        self.assertIn(r.json()["id"], [c["id"] for c in at_cart])
        self.assertStatus(self.d.post("/api/v1/devices/tag:C-2/return"), 200)  # no body: good condition

    def test_bad_inputs_change_nothing(self):
        self.device("C-3")
        self.device("C-4")
        self.person("S-3", "Bea")
        self.person("S-3x", "Gone")
        self.d.patch("/api/v1/people/S-3x", {"active": False})
        ok = self.d.post("/api/v1/checkouts", {"device": "tag:C-4", "person": "S-3"})
        self.assertStatus(ok, 201)
        before3, before4 = self.state("C-3"), self.state("C-4")

        cases = [
            ({"device": "tag:C-3", "person": "NOBODY"}, 404, "not_found", "person"),
            ({"device": "tag:C-3", "person": "S-3", "due": day(-1)}, 400, "invalid", "due"),
            ({"device": "tag:C-3", "person": "S-3", "due": "2027-02-30"}, 400, "invalid", "due"),
            ({"device": "tag:C-3", "person": "S-3", "condition": "shiny"}, 400, "invalid", "condition"),
            ({"device": "tag:NOPE", "person": "S-3"}, 404, "not_found", "device"),
            ({"device": "bogus ref", "person": "S-3"}, 400, "invalid", "device"),
            ({"device": "tag:C-3"}, 400, "invalid", "person"),
            ({"device": "tag:C-3", "person": "S-3", "location": "Cart 1"}, 400, "invalid", "location"),
            ({"device": "tag:C-3", "person": "S-3", "colour": "red"}, 400, "invalid", "colour"),
            ({"device": "tag:C-3", "person": "S-3x"}, 409, "conflict", "person"),
            ({"device": "tag:C-4", "person": "S-3"}, 409, "conflict", "device"),
        ]
        for body, status, code, field in cases:
            with self.subTest(body=body):
                self.assertField(self.d.post("/api/v1/checkouts", body), status, code, field)
        refused = self.d.post("/api/v1/checkouts", {"device": "tag:C-4", "person": "S-3"}).json()["error"]
        self.assertIn("deployed", refused["message"])
        self.assertIn("Bea (S-3)", refused["message"])
        self.assertIn("inactive", self.d.post("/api/v1/checkouts", {"device": "tag:C-3", "person": "S-3x"})
                      .json()["error"]["message"])

        self.assertField(self.d.post("/api/v1/devices/tag:C-4/return", {"condition": "broken"}),
                         400, "invalid", "condition")
        self.assertError(self.d.post("/api/v1/devices/tag:NOPE/return", {}), 404, "not_found")
        self.assertError(self.d.post("/api/v1/checkouts/999999/return", {}), 404, "not_found")
        self.assertField(self.d.post("/api/v1/devices/tag:C-4/return",
                                     {"open_work_order": {"category": "teleport", "description": "x"}}),
                         400, "invalid", "open_work_order.category")
        self.assertEqual(self.state("C-3"), before3)
        self.assertEqual(self.state("C-4"), before4)

    def test_device_not_in_stock_gets_a_409_saying_why(self):
        self.device("C-5")
        self.d.post("/api/v1/devices/tag:C-5/transitions", {"to": "in_repair", "reason": "screen"})
        self.person("S-5")
        r = self.d.post("/api/v1/checkouts", {"device": "tag:C-5", "person": "S-5"})
        self.assertField(r, 409, "conflict", "device")
        self.assertIn("in_repair", r.json()["error"]["message"])
        self.assertEqual(r.json()["error"]["details"]["status"], "in_repair")

    def test_return_damaged_opens_a_work_order(self):
        self.device("C-6")
        self.person("S-6", "Cy")
        loan = self.d.post("/api/v1/checkouts", {"device": "tag:C-6", "person": "S-6"}).json()
        r = self.d.post("/api/v1/devices/tag:C-6/return", {
            "condition": "damaged", "notes": "dropped",
            "open_work_order": {"category": "screen", "description": "cracked screen", "priority": "high"}})
        self.assertStatus(r, 200)
        body = r.json()
        self.assertFalse(body["open"])
        self.assertEqual(body["condition_in"], "damaged")
        self.assertIsInstance(body["opened_work_order_id"], int)
        dev = self.d.get("/api/v1/devices/tag:C-6").json()
        self.assertEqual((dev["status"], dev["holder"]), ("in_repair", None))
        order = self.d.get("/api/v1/work-orders/%d" % body["opened_work_order_id"])
        if order.status == 200:  # the repair bench's routes
            self.assertEqual(order.json()["category"], "screen")
            self.assertEqual(order.json()["checkout"]["id"], loan["id"])
        actions = [e["action"] for e in self.d.get("/api/v1/devices/tag:C-6/events").json()["items"]]
        self.assertEqual(actions[-1], "returned")
        self.assertIn("checked_out", actions)

    # --- batches -------------------------------------------------------------------------------
    def test_batch_checkout_and_return_all_or_none(self):
        tags = ["B-%02d" % i for i in range(30)]
        for t in tags:
            self.device(t)
        self.person("S-B", "Cart Kid")
        items = [{"device": "tag:" + t, "location": "Cart 7", "due": day(5)} for t in tags]
        # One unknown device, one bad due date, one unknown person: nothing happens, every error listed.
        bad = items[:-3] + [{"device": "tag:B-NOPE", "location": "Cart 7"},
                            {"device": "tag:" + tags[-2], "location": "Cart 7", "due": day(-3)},
                            {"device": "tag:" + tags[-1], "person": "NOBODY"}]
        r = self.d.post("/api/v1/checkouts:batch", {"items": bad})
        self.assertEqual(r.status // 100, 4, r)
        # Parse-level problems (the due date) are reported before any lookups run.
        errors = r.json()["error"]["details"]["errors"]
        self.assertEqual([(e["index"], e["field"]) for e in errors], [(28, "due")])
        bad[28]["due"] = day(5)
        r = self.d.post("/api/v1/checkouts:batch", {"items": bad})
        self.assertError(r, 404, "not_found")
        errors = r.json()["error"]["details"]["errors"]
        self.assertEqual([(e["index"], e["field"]) for e in errors], [(27, "device"), (29, "person")])
        self.assertEqual(self.d.get("/api/v1/checkouts?location=Cart%207").json()["items"], [])
        self.assertEqual(self.d.get("/api/v1/devices/tag:B-00").json()["status"], "in_stock")

        r = self.d.post("/api/v1/checkouts:batch", {"items": items})
        self.assertStatus(r, 201)
        self.assertEqual(len(r.json()["items"]), 30)
        self.assertEqual(self.d.get("/api/v1/devices/tag:B-29").json()["status"], "deployed")

        back = [{"device": "tag:" + t, "condition": "good"} for t in tags[:10]]
        r = self.d.post("/api/v1/checkouts:return-batch",
                        {"items": back + [{"device": "tag:B-NOPE"}, {"device": "tag:B-11", "condition": "meh"}]})
        self.assertError(r, 400, "invalid")
        self.assertEqual([e["index"] for e in r.json()["error"]["details"]["errors"]], [11])
        r = self.d.post("/api/v1/checkouts:return-batch", {"items": back + [{"device": "tag:B-NOPE"}]})
        self.assertError(r, 404, "not_found")
        self.assertEqual(self.d.get("/api/v1/devices/tag:B-00").json()["status"], "deployed")
        r = self.d.post("/api/v1/checkouts:return-batch", {"items": back})
        self.assertStatus(r, 200)
        self.assertEqual(self.d.get("/api/v1/devices/tag:B-00").json()["status"], "in_stock")
        self.assertEqual(self.d.get("/api/v1/devices/tag:B-10").json()["status"], "deployed")
        self.assertError(self.d.post("/api/v1/checkouts:batch", {"items": []}), 400, "invalid")

    def test_concurrent_checkouts_of_one_device_have_one_winner(self):
        self.device("RACE-1")
        for i in range(8):
            self.person("RACER-%d" % i)
        results = []
        start = threading.Barrier(8)

        def attempt(i):
            start.wait()
            r = self.d.post("/api/v1/checkouts", {"device": "tag:RACE-1", "person": "RACER-%d" % i})
            results.append(r.status)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [201] + [409] * 7)
        self.assertEqual(len(self.d.get("/api/v1/checkouts?device=tag:RACE-1").json()["items"]), 1)
        events = self.d.get("/api/v1/devices/tag:RACE-1/events").json()["items"]
        self.assertEqual([e["action"] for e in events], ["created", "checked_out"])

    # --- lists ---------------------------------------------------------------------------------
    def test_lists_filters_overdue_and_person_history(self):
        self.device("L-1")
        self.device("L-2")
        self.person("S-L", "Lister")
        self.d.post("/api/v1/checkouts", {"device": "tag:L-1", "person": "S-L", "due": day(0)})
        self.d.post("/api/v1/devices/tag:L-1/return", {})
        second = self.d.post("/api/v1/checkouts", {"device": "tag:L-1", "person": "S-L", "due": day(2)}).json()
        self.d.post("/api/v1/checkouts", {"device": "tag:L-2", "person": "S-L", "due": day(1)})

        mine = self.d.get("/api/v1/people/S-L/checkouts").json()["items"]
        self.assertEqual(len(mine), 3)
        self.assertEqual(len(self.d.get("/api/v1/checkouts?person=S-L&open=true").json()["items"]), 2)
        self.assertEqual(len(self.d.get("/api/v1/people/S-L/checkouts?open=false").json()["items"]), 1)
        self.assertEqual(self.d.get("/api/v1/checkouts?device=tag:L-1&open=true").json()["items"][0]["id"],
                         second["id"])
        # Nothing of this person's is overdue yet (due dates are today or later).
        self.assertEqual(self.d.get("/api/v1/checkouts?overdue=true&person=S-L").json()["items"], [])
        page = self.d.get("/api/v1/checkouts?person=S-L&limit=2").json()
        self.assertEqual(len(page["items"]), 2)
        rest = self.d.get("/api/v1/checkouts?person=S-L&limit=2&cursor=" + page["next_cursor"]).json()
        self.assertEqual(len(rest["items"]), 1)
        self.assertIsNone(rest["next_cursor"])
        self.assertError(self.d.get("/api/v1/checkouts?person=NOBODY"), 404, "not_found")
        self.assertField(self.d.get("/api/v1/checkouts?overdue=maybe"), 400, "invalid", "overdue")
        self.assertField(self.d.get("/api/v1/checkouts?sort=due"), 400, "invalid", "sort")
        # A deactivated person keeps their history.
        self.d.patch("/api/v1/people/S-L", {"active": False})
        self.assertEqual(len(self.d.get("/api/v1/people/S-L/checkouts").json()["items"]), 3)

    def test_metrics(self):
        self.device("M-1")
        self.device("M-L1", loaner=True)
        self.person("S-M")

        def figures():
            out = {}
            for line in self.d.get("/metrics", token=None).text.splitlines():
                name, _, value = line.partition(" ")
                if name in ("fleetkeep_checkouts_open", "fleetkeep_checkouts_overdue",
                            "fleetkeep_loaners_available"):
                    out[name] = float(value)
            return out

        def truth():
            """The same figures from the API (the shared daemon holds other tests' loans too)."""
            loans = self.d.get("/api/v1/checkouts?open=true&limit=1000").json()["items"]
            loaners = [d for d in self.d.all_devices("status=in_stock") if d["loaner"]]
            return {"fleetkeep_checkouts_open": float(len(loans)),
                    "fleetkeep_checkouts_overdue": float(sum(c["overdue"] for c in loans)),
                    "fleetkeep_loaners_available": float(len(loaners))}

        def settled():
            # The collector refreshes on a 5 s timer, never per scrape.
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if figures() == truth():
                    return figures()
                time.sleep(0.5)
            self.assertEqual(figures(), truth())

        before = settled()
        self.assertGreaterEqual(before["fleetkeep_loaners_available"], 1)
        self.assertStatus(self.d.post("/api/v1/checkouts", {"device": "tag:M-L1", "person": "S-M"}), 201)
        after = settled()
        self.assertEqual(after["fleetkeep_checkouts_open"], before["fleetkeep_checkouts_open"] + 1)
        self.assertEqual(after["fleetkeep_loaners_available"], before["fleetkeep_loaners_available"] - 1)

    # --- CLI -----------------------------------------------------------------------------------
    def test_cli_people_checkout_loans_return(self):
        roster = self.write("external_id,name,role,homeroom\nCLI-S1,Dora Desk,student,4C\n")
        r = self.run_cli("people", "import", roster)
        self.assertIn("created 1", r.stdout)
        r = self.run_cli("people", "list", "--q", "Dora")
        self.assertIn("CLI-S1", r.stdout)
        self.assertIn("4C", r.stdout)

        self.device("CLI-D1")
        r = self.run_cli("checkout", "tag:CLI-D1", "CLI-S1", "--due", day(7))
        self.assertIn("checked out to Dora Desk (CLI-S1)", r.stdout)
        r = self.run_cli("checkout", "tag:CLI-D1", "CLI-S1", expect=1)
        self.assertIn("deployed", r.stderr)
        self.run_cli("checkout", "tag:CLI-D1", expect=2)  # neither person nor --location

        r = self.run_cli("loans", "--person", "CLI-S1", "--open")
        self.assertIn("tag:CLI-D1", r.stdout)
        self.assertIn(day(7), r.stdout)
        r = self.run_cli("--json", "loans", "--overdue", "--person", "CLI-S1")
        self.assertEqual(json.loads(r.stdout)["items"], [])

        r = self.run_cli("return", "tag:CLI-D1", "--condition", "damaged", "--notes", "sticky keys",
                         "--repair", "keyboard", "--description", "sticky keys")
        self.assertIn("returned by Dora Desk", r.stdout)
        self.assertIn("work order", r.stdout)
        self.assertEqual(self.d.get("/api/v1/devices/tag:CLI-D1").json()["status"], "in_repair")
        self.run_cli("return", "tag:CLI-D1", expect=1)

        r = self.run_cli("people", "show", "CLI-S1")
        self.assertIn("Dora Desk", r.stdout)
        self.assertIn("returned", r.stdout)
        self.run_cli("people", "show", "NOBODY", expect=1)

        self.device("CLI-D2")
        r = self.run_cli("checkout", "tag:CLI-D2", "--location", "Cart 9")
        self.assertIn("Cart 9", r.stdout)


if __name__ == "__main__":
    unittest.main()
